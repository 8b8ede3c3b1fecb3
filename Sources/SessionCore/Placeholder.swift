enum SessionCorePlaceholder {}
