/// What the text layer needs from a file: references resolved, streams decoded. `PDFFile` is the real
/// one; tests of the text layer may supply their own.
public protocol PDFObjectSource {
    /// `object`, with references followed (through chains of references) to a direct object; a
    /// reference to a missing or free object is `null` (ISO 32000-1, 7.3.10).
    ///
    /// - Throws: ``PDFError/Code/malformed`` for a reference cycle or an object that cannot be parsed.
    func resolve(_ object: PDFObject) throws(PDFError) -> PDFObject

    /// A stream's bytes, decrypted and decoded through all its `/Filter`s (with `/DecodeParms`).
    /// Image-only filters (`DCTDecode`, `JPXDecode`, `JBIG2Decode`, `CCITTFaxDecode`) are not decoded:
    /// the text layer never needs them.
    ///
    /// - Throws: ``PDFError/Code/limitExceeded`` past ``PDFLimits/maxStreamBytes`` or
    ///   ``PDFLimits/maxCompressionRatio``; ``PDFError/Code/malformed`` for corrupt filter data;
    ///   ``PDFError/Code/unsupported`` for a filter Folio does not decode.
    func data(of stream: PDFStream) throws(PDFError) -> [UInt8]
}

extension PDFObjectSource {
    /// `dictionary[key]`, resolved; nil when absent or null.
    public func value(_ dictionary: PDFDictionary, _ key: PDFName) throws(PDFError) -> PDFObject? {
        guard let value = dictionary[key] else { return nil }
        let resolved = try resolve(value)
        return resolved == .null ? nil : resolved
    }
}
