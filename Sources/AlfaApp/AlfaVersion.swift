/// The release this binary is.
public enum AlfaVersion {
    public static let current = "0.1.0"
}
