public import Foundation
public import Testing

/// The shared corpora beside the checkout (`../shared`), present on developer machines and in CI.
///
/// Tests that need them are tagged `.corpus` and enabled only when the folder exists; set
/// `FOLIO_SHARED` to use another location.
public enum SharedCorpora {
    /// The `shared` folder, or nil when it is not there.
    public static let root: URL? = {
        // Symbolic links resolved: `../shared` may be one, and directory walks do not enter a link.
        if let override = ProcessInfo.processInfo.environment["FOLIO_SHARED"] {
            return URL(fileURLWithPath: override).resolvingSymlinksInPath()
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        guard FileManager.default.fileExists(atPath: shared.appendingPathComponent("corpora").path) else { return nil }
        return shared.resolvingSymlinksInPath()
    }()

    public static var isAvailable: Bool { root != nil }

    /// The absolute path of `relative` inside `shared/`.
    public static func path(_ relative: String) -> String {
        root!.appendingPathComponent(relative).path
    }

    /// The bytes of a file inside `shared/`.
    public static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }
}

extension Tag {
    /// Tests over the real documents in `../shared/corpora`.
    @Tag public static var corpus: Self
}

/// The package's own `Corpora/` folder.
public enum PackageCorpora {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpora")
}
