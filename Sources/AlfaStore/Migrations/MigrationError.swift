/// Why migrations cannot be applied; each case says what to do.
public enum MigrationError: Error, Equatable, CustomStringConvertible {
    case unreadableDirectory(String)
    case badFileName(String)
    case unreadableFile(String)
    case duplicateVersion(Int, String, String)
    case changedAfterApply(version: Int, file: String)
    case appliedButMissing(version: Int, name: String)

    public var description: String {
        switch self {
        case .unreadableDirectory(let path):
            "MIGRATIONS_DIR=\"\(path)\" is not a readable folder of NNNN_name.sql files (unset it to use the migrations built into alfa)"
        case .badFileName(let file):
            "migration file \(file) is not named NNNN_name.sql"
        case .unreadableFile(let file):
            "migration file \(file) cannot be read as UTF-8"
        case .duplicateVersion(let version, let first, let second):
            "migrations \(first) and \(second) share version \(version)"
        case .changedAfterApply(let version, let file):
            "migration \(file) (version \(version)) was changed after it was applied: restore it and put the change in a new migration"
        case .appliedButMissing(let version, let name):
            "migration \(version) (\(name)) is recorded as applied but its file is missing"
        }
    }
}
