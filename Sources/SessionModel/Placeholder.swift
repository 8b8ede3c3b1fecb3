enum SessionModelPlaceholder {}
