/// What `stat(2)` says about a file: its type, size, times and identity.
public struct FileStatus: Sendable, Hashable {
    public enum FileType: Sendable, Hashable {
        case regular, directory, symbolicLink, fifo, socket, characterDevice, blockDevice, unknown
    }

    public var type: FileType
    /// The device that holds the file (`st_dev`).
    public var device: UInt64
    /// The file's number on its device (`st_ino`).
    public var inode: UInt64
    /// The size in bytes (`st_size`); for a symbolic link seen by `lstat`, the length of its target.
    public var byteCount: Int
    /// When the contents last changed (`st_mtim`; `st_mtimespec` on macOS).
    public var modificationTime: FileTime
    /// When the contents or the metadata last changed (`st_ctim`; `st_ctimespec` on macOS).
    public var changeTime: FileTime

    public init(
        type: FileType, device: UInt64, inode: UInt64, byteCount: Int, modificationTime: FileTime, changeTime: FileTime
    ) {
        self.type = type
        self.device = device
        self.inode = inode
        self.byteCount = byteCount
        self.modificationTime = modificationTime
        self.changeTime = changeTime
    }

    public var isRegularFile: Bool { type == .regular }
    public var isDirectory: Bool { type == .directory }

    /// The facts that change when a file is replaced or written: device, inode, size, and the
    /// modification and change times to the nanosecond (what git's index and Bazel's digest cache
    /// compare to decide that a file is unchanged).
    public var identity: FileIdentity {
        FileIdentity(
            device: device, inode: inode, byteCount: byteCount, modificationTime: modificationTime,
            changeTime: changeTime)
    }

    /// The status of the file at `path`, through symbolic links (`stat(2)`), or of a link itself
    /// when `followingLinks` is false (`lstat(2)`).
    ///
    /// - Throws: ``SystemError`` with ``SystemError/Operation/stat`` (``SystemError/Code/notFound``
    ///   when there is nothing at `path`).
    public init(path: String, followingLinks: Bool = true) throws(SystemError) {
        do {
            self = try Syscall.status(of: path, followingLinks: followingLinks)
        } catch {
            throw SystemError(.stat, path, errno: error.value)
        }
    }
}

/// A file's identity as `stat` sees it: equal identities mean, as far as the file system can
/// tell, the same file with the same contents.
///
/// - Important: ``description`` is `device inode size mtime ctime` with times as
///   `seconds.nanoseconds` (nanoseconds not zero-padded). The digest memo in `FolioCache` names
///   files by a hash of it, so it must not change.
public struct FileIdentity: Sendable, Hashable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64
    public var byteCount: Int
    public var modificationTime: FileTime
    public var changeTime: FileTime

    public init(device: UInt64, inode: UInt64, byteCount: Int, modificationTime: FileTime, changeTime: FileTime) {
        self.device = device
        self.inode = inode
        self.byteCount = byteCount
        self.modificationTime = modificationTime
        self.changeTime = changeTime
    }

    public var description: String {
        "\(device) \(inode) \(byteCount) \(modificationTime.seconds).\(modificationTime.nanoseconds) "
            + "\(changeTime.seconds).\(changeTime.nanoseconds)"
    }
}

/// A point in time as the file system records it: seconds since 1970 and nanoseconds into the second.
public struct FileTime: Sendable, Hashable, Comparable {
    public var seconds: Int64
    /// 0 ..< 1,000,000,000.
    public var nanoseconds: Int64

    public init(seconds: Int64, nanoseconds: Int64) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public var nanosecondsSince1970: Int64 { seconds * 1_000_000_000 + nanoseconds }

    public static func < (lhs: FileTime, rhs: FileTime) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }
}

/// The wall clock, in the unit file times use.
public enum WallClock {
    /// Nanoseconds since 1970 (`CLOCK_REALTIME`): comparable with ``FileTime/nanosecondsSince1970``.
    public static func nanosecondsSince1970() -> Int64 { Syscall.wallClockNanoseconds() }
}
