public import Foundation

/// The package's build products, for tests that run an executable as a process.
public enum BuiltProducts {
    /// The executable `name`, beside the test bundle in the build products directory (`swift test`
    /// builds it when a test target depends on it).
    public static func executable(named name: String) -> URL? {
        var directories: [URL] = []
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        directories.append(Bundle.main.bundleURL)
        // Last resort: the package's own debug products (Tests/FolioTestSupport/ → package root).
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        directories.append(packageRoot.appendingPathComponent(".build/debug"))
        return directories.map { $0.appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
