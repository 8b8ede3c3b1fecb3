enum SessionAPIPlaceholder {}
