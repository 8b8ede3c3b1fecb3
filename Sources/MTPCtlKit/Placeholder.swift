enum MTPCtlKitPlaceholder {}
