#if canImport(Glibc)
import Glibc
#endif

/// A file written atomically: bytes go to a temporary file in the same folder, which is fsynced and
/// renamed over the destination on `commit()`, after which the folder is fsynced too.
///
/// Until `commit()` nothing is visible at the destination; if the writer is dropped or `abort()` is
/// called, the temporary file is removed. A crash may leave a `.paddock-tmp-*` file behind (the next
/// atomic write in the same folder removes it: see `removeAbandonedTemporaryFiles`), never a
/// half-written destination.
public final class AtomicFileSink: ByteSink {
    public let path: String
    public let temporaryPath: String
    @exclusivity(unchecked) private var fd: Int32
    @exclusivity(unchecked) private var state: State = .open
    private enum State { case open, finished, committed, aborted }
    /// When true, `commit()` refuses to replace an existing destination (immutable stores).
    private let noReplace: Bool

    /// Creates the temporary file beside `path`; creates missing parent folders.
    public init(path: String, noReplace: Bool = false, mode: Int = 0o644) throws(PaddockError) {
        self.path = path
        self.noReplace = noReplace
        // Renaming over /dev/null or a pipe would replace it with a regular file (as root, /dev/null
        // itself): such a destination is refused here; OutputTarget writes to it directly.
        if FileSystem.isSpecial(path) {
            throw PaddockError(.io, "\(path) is a device or a pipe, not a file: it cannot be written atomically",
                               hint: "write to a file, or to stdout ('-')")
        }
        let dir = FileSystem.parent(of: path)
        try FileSystem.makeDirectories(dir)
        // What killed writers left in this folder goes first (theirs is the only use of such files).
        FileSystem.removeAbandonedTemporaryFiles(in: dir)
        let base = FileSystem.lastComponent(of: path)
        var template = Array("\(dir)/\(FileSystem.temporaryPrefix)\(base).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw PaddockError.system("cannot create a temporary file", path: dir, errno: errno) }
        // Held until the file is committed or aborted: a temporary file nobody holds is abandoned.
        _ = flock(fd, LOCK_EX | LOCK_NB)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        fchmod(fd, mode_t(mode))
        self.fd = fd
        self.temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    deinit {
        if state != .committed { abort() }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(PaddockError) {
        try writeAll(fd: fd, bytes, name: path)
    }

    /// fsyncs the temporary file. Call `commit()` afterwards to make it visible. (The file stays open,
    /// and locked, until then.)
    public func finish() throws(PaddockError) {
        guard state == .open else { return }
        if fsync(fd) != 0 { throw PaddockError.system("fsync failed", path: path, errno: errno) }
        state = .finished
    }

    /// Renames the temporary file onto the destination and fsyncs the folder.
    public func commit() throws(PaddockError) {
        if state == .open { try finish() }
        guard state == .finished else { throw PaddockError(.internal, "commit of an aborted file", at: SourceLocation(file: path)) }
        if noReplace {
            // link(2) fails with EEXIST instead of replacing: the store stays immutable.
            if link(temporaryPath, path) != 0 {
                let e = errno
                unlink(temporaryPath)
                state = .aborted
                if e == EEXIST { throw PaddockError(.data, "refusing to replace an existing file", at: SourceLocation(file: path)) }
                throw PaddockError.system("cannot link into place", path: path, errno: e)
            }
            unlink(temporaryPath)
        } else if rename(temporaryPath, path) != 0 {
            throw PaddockError.system("cannot rename into place", path: path, errno: errno)
        }
        state = .committed
        let closed = close(fd)
        fd = -1
        if closed != 0 { throw PaddockError.system("close failed", path: path, errno: errno) }
        try FileSystem.syncDirectory(FileSystem.parent(of: path))
    }

    /// Removes the temporary file; the destination is untouched.
    public func abort() {
        if fd >= 0 { close(fd); fd = -1 }
        if state != .committed && state != .aborted { unlink(temporaryPath) }
        state = .aborted
    }

    /// Writes `bytes` to `path` atomically in one call; a device or a pipe (`--stats /dev/null`) is
    /// opened and written instead, never replaced.
    public static func write(_ bytes: [UInt8], to path: String, noReplace: Bool = false) throws(PaddockError) {
        if FileSystem.isSpecial(path) {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            if fd < 0 { throw PaddockError.system("cannot open for writing", path: path, errno: errno) }
            defer { close(fd) }
            try withBytes(bytes) { (b) throws(PaddockError) in try writeAll(fd: fd, b, name: path) }
            return
        }
        let sink = try AtomicFileSink(path: path, noReplace: noReplace)
        try withBytes(bytes) { (b) throws(PaddockError) in try sink.write(b) }
        try sink.commit()
    }

    public static func write(_ text: String, to path: String, noReplace: Bool = false) throws(PaddockError) {
        try write(Array(text.utf8), to: path, noReplace: noReplace)
    }
}

/// Small file-system helpers over POSIX calls.
public enum FileSystem {
    public static func parent(of path: String) -> String {
        guard let i = path.lastIndex(of: "/") else { return "." }
        if i == path.startIndex { return "/" }
        return String(path[..<i])
    }

    public static func lastComponent(of path: String) -> String {
        guard let i = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: i)...])
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// The name prefix of the temporary files of atomic writes.
    public static let temporaryPrefix = ".paddock-tmp-"

    /// Removes the temporary files of atomic writes in `dir` that no process holds any more (their
    /// writer was killed): each live writer holds an flock on its file until it commits or aborts, and a
    /// file younger than `minimumAge` seconds is left alone too (its writer may not have locked it yet).
    /// Returns how many were removed.
    @discardableResult
    public static func removeAbandonedTemporaryFiles(in dir: String, minimumAge: Int = 10) -> Int {
        guard let names = try? list(dir) else { return 0 }
        var removed = 0
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        for name in names where name.hasPrefix(temporaryPrefix) {
            let path = dir + "/" + name
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var st = Glibc.stat()
            guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(now.tv_sec) - Int(st.st_mtim.tv_sec) >= minimumAge else { continue }
            if flock(fd, LOCK_EX | LOCK_NB) == 0, unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    /// True when `path` exists and is neither a regular file nor a folder: a device (`/dev/null`), a
    /// pipe or a socket, which a writer must open and write, never replace.
    public static func isSpecial(_ path: String) -> Bool {
        var st = Glibc.stat()
        guard statPath(path, &st) == 0 else { return false }
        let type = st.st_mode & S_IFMT
        return type != S_IFREG && type != S_IFDIR
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = Glibc.stat()
        return statPath(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// `mkdir -p`.
    public static func makeDirectories(_ path: String) throws(PaddockError) {
        if path.isEmpty || isDirectory(path) { return }
        let parentPath = parent(of: path)
        if parentPath != path { try makeDirectories(parentPath) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw PaddockError.system("cannot create folder", path: path, errno: errno)
        }
    }

    /// fsyncs a folder so a rename inside it is durable.
    public static func syncDirectory(_ path: String) throws(PaddockError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw PaddockError.system("cannot open folder", path: path, errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 && errno != EINVAL { throw PaddockError.system("fsync of folder failed", path: path, errno: errno) }
    }

    /// Size and modification time (seconds since the epoch, nanoseconds) of a file.
    public static func fileInfo(_ path: String) throws(PaddockError) -> (size: Int, mtime: Int, mtimeNanos: Int) {
        var st = Glibc.stat()
        if statPath(path, &st) != 0 { throw PaddockError.system("cannot stat", path: path, errno: errno) }
        return (Int(st.st_size), Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec))
    }

    /// What a path leads to (links followed): its device and inode, and whether it is a folder or a
    /// regular file; nil when it leads nowhere (a dangling link, a missing file).
    public static func identity(_ path: String) -> (device: UInt64, inode: UInt64, isDirectory: Bool, isRegular: Bool)? {
        var st = Glibc.stat()
        guard statPath(path, &st) == 0 else { return nil }
        let type = st.st_mode & S_IFMT
        return (UInt64(st.st_dev), UInt64(st.st_ino), type == S_IFDIR, type == S_IFREG)
    }

    /// True when `path` itself is a symbolic link.
    public static func isSymbolicLink(_ path: String) -> Bool {
        var st = Glibc.stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }

    /// The absolute path with every link resolved (`realpath(3)`), or nil.
    public static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(validatingCString: p)
    }

    /// Lists the entries of a folder, sorted by name (bytewise), without `.` and `..`; names that are not
    /// valid UTF-8 are returned apart (shown with U+FFFD), since no path built from them can be opened.
    public static func listChecked(_ path: String) throws(PaddockError) -> (names: [String], undecodable: [String]) {
        guard let d = opendir(path) else { throw PaddockError.system("cannot list folder", path: path, errno: errno) }
        defer { closedir(d) }
        var names: [String] = [], undecodable: [String] = []
        while let e = readdir(d) {
            let (name, valid) = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { (String(cString: $0), String(validatingCString: $0) != nil) }
            }
            if name == "." || name == ".." { continue }
            if valid { names.append(name) } else { undecodable.append(name) }
        }
        return (names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }, undecodable.sorted())
    }

    /// Lists the entries of a folder, sorted by name (bytewise), without `.` and `..`.
    public static func list(_ path: String) throws(PaddockError) -> [String] {
        guard let d = opendir(path) else { throw PaddockError.system("cannot list folder", path: path, errno: errno) }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Reads a whole (small) file.
    public static func readFile(_ path: String, limit: Int = 1 << 30) throws(PaddockError) -> [UInt8] {
        let src = try FileDescriptorSource(path: path)
        return try Input.readAll(src, limit: limit)
    }

    public static func readText(_ path: String) throws(PaddockError) -> String {
        String(decoding: try readFile(path), as: UTF8.self)
    }

    public static func remove(_ path: String) { unlink(path) }

    /// Removes a file tree (`rm -rf`).
    public static func removeTree(_ path: String) throws(PaddockError) {
        if isDirectory(path) {
            for name in try list(path) { try removeTree(path + "/" + name) }
            if rmdir(path) != 0 { throw PaddockError.system("cannot remove folder", path: path, errno: errno) }
        } else if unlink(path) != 0 && errno != ENOENT {
            throw PaddockError.system("cannot remove", path: path, errno: errno)
        }
    }

    /// Renames `from` to `to` (atomic within one file system) and fsyncs the destination folder.
    public static func rename(_ from: String, to: String) throws(PaddockError) {
        if Glibc.rename(from, to) != 0 { throw PaddockError.system("cannot rename \(from)", path: to, errno: errno) }
        try syncDirectory(parent(of: to))
    }
}

/// `stat(2)`, outside `FileSystem` whose members would shadow the name.
private func statPath(_ path: String, _ st: inout stat) -> Int32 { stat(path, &st) }
