/// The release every program of this package reports with `--version`, and the one debian/changelog names.
public enum ProductVersion {
    /// The version, as `mtpctl --version` prints it.
    public static let string = "0.6.0"
}
