/// A PDF object (ISO 32000-1, 7.3) as the parser reads it. Indirect references stay references until
/// a ``PDFObjectSource`` resolves them; strings are bytes (already decrypted when the file is
/// encrypted); streams keep their encoded bytes until ``PDFObjectSource/data(of:)`` decodes them.
public enum PDFObject: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case real(Double)
    /// A literal `(…)` or hexadecimal `<…>` string, escapes resolved: raw bytes, not text.
    case string([UInt8])
    case name(PDFName)
    case array([PDFObject])
    case dictionary(PDFDictionary)
    case stream(PDFStream)
    case reference(PDFReference)

    /// The number, for an integer or a real.
    public var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .real(let value): value
        default: nil
        }
    }

    /// The integer, for an integer (or a real with no fractional part, as some producers write them).
    public var integer: Int? {
        switch self {
        case .integer(let value): value
        case .real(let value) where value.rounded() == value && abs(value) < 1e15: Int(value)
        default: nil
        }
    }

    public var name: PDFName? {
        if case .name(let name) = self { name } else { nil }
    }

    public var array: [PDFObject]? {
        if case .array(let array) = self { array } else { nil }
    }

    /// The dictionary, for a dictionary or a stream (a stream's dictionary).
    public var dictionary: PDFDictionary? {
        switch self {
        case .dictionary(let dictionary): dictionary
        case .stream(let stream): stream.dictionary
        default: nil
        }
    }

    public var stream: PDFStream? {
        if case .stream(let stream) = self { stream } else { nil }
    }

    public var string: [UInt8]? {
        if case .string(let bytes) = self { bytes } else { nil }
    }

    public var reference: PDFReference? {
        if case .reference(let reference) = self { reference } else { nil }
    }
}

/// An indirect object's number and generation (`12 0 R`).
public struct PDFReference: Hashable, Sendable, CustomStringConvertible {
    public var number: Int
    public var generation: Int

    public init(_ number: Int, _ generation: Int = 0) {
        self.number = number
        self.generation = generation
    }

    public var description: String { "\(number) \(generation) R" }
}

/// A name (`/Type`), `#xx` escapes resolved. Names are bytes; nearly all are ASCII, so the common ones
/// compare against string literals: `dictionary["Type"]`, `name == "Page"`.
public struct PDFName: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }
    public init(stringLiteral value: String) { self.init(value) }

    /// Hashes the bytes in one call: the synthesized conformance hashed them one at a time, a tenth of
    /// the time spent opening the CUAD PDFs.
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func == (left: PDFName, right: PDFName) -> Bool { left.bytes == right.bytes }

    /// The name as text (bytes that are not UTF-8 are replaced), for glyph names and messages.
    public var string: String { String(decoding: bytes, as: UTF8.self) }
    public var description: String { "/" + string }
}

/// A dictionary (`<< /Key value … >>`). Later duplicate keys replace earlier ones; a `null` value is
/// the same as an absent key (ISO 32000-1, 7.3.7).
public struct PDFDictionary: Sendable, Equatable {
    public var entries: [PDFName: PDFObject]

    public init(_ entries: [PDFName: PDFObject] = [:]) { self.entries = entries }

    /// The value under `key`, unresolved; nil when absent or null.
    public subscript(key: PDFName) -> PDFObject? {
        get {
            guard let value = entries[key], value != .null else { return nil }
            return value
        }
        set { entries[key] = newValue }
    }

    /// `/Type`, when it is a name.
    public var type: PDFName? { self["Type"]?.name }
}

/// A stream: its dictionary and its bytes as stored in the file (encoded by its `/Filter`s, and
/// encrypted when the file is). The bytes share the file's storage.
public struct PDFStream: Sendable, Equatable {
    public var dictionary: PDFDictionary
    /// The stored bytes: exactly `/Length` of them when `/Length` was right, else up to `endstream`.
    public var encoded: ArraySlice<UInt8>
    /// The indirect object this stream is (its decryption key depends on it); nil for streams not read
    /// from a file (tests) or in unencrypted files where it does not matter.
    public var object: PDFReference?
    /// Where its bytes start in the file, for messages.
    public var byteOffset: Int?

    public init(
        dictionary: PDFDictionary, encoded: ArraySlice<UInt8>, object: PDFReference? = nil, byteOffset: Int? = nil
    ) {
        self.dictionary = dictionary
        self.encoded = encoded
        self.object = object
        self.byteOffset = byteOffset
    }
}
