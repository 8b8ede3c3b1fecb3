// Placeholder until the varlink module lands.
