/// A character encoding Folio decodes plain text (and markup) from.
public enum TextEncoding: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// UTF-8; invalid bytes become U+FFFD as Python's `errors="replace"` does.
    case utf8 = "utf-8"
    /// UTF-16, little-endian (BOM `FF FE`).
    case utf16LE = "utf-16le"
    /// UTF-16, big-endian (BOM `FE FF`).
    case utf16BE = "utf-16be"
    /// GB18030 (a superset of GBK and GB2312), the Chinese national encoding.
    case gb18030 = "gb18030"
    /// Windows code page 1252 (a superset of ISO-8859-1 as browsers read it).
    case windows1252 = "windows-1252"

    public var description: String { rawValue }
}
