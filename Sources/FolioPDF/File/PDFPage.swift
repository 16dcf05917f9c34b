/// One page of a file, as the page tree gives it: inherited attributes already applied.
public struct PDFPage: Sendable {
    /// 1-based, in page-tree order.
    public var number: Int
    /// The page's `/Resources`, inherited from an ancestor when the page has none; resolved one level
    /// (the dictionary itself; its values may still be references).
    public var resources: PDFDictionary
    /// The page's content streams in order (`/Contents` may be one stream or an array); empty for a
    /// blank page. Their decoded bytes concatenate into one content stream (7.8.2).
    public var contents: [PDFStream]
    public var mediaBox: PDFRect
    /// The CropBox clipped to the MediaBox; the MediaBox when absent.
    public var cropBox: PDFRect
    /// `/Rotate`, normalized to 0, 90, 180 or 270.
    public var rotation: Int
    /// The page object, for messages.
    public var object: PDFReference?

    public init(
        number: Int, resources: PDFDictionary, contents: [PDFStream], mediaBox: PDFRect = .letter,
        cropBox: PDFRect? = nil, rotation: Int = 0, object: PDFReference? = nil
    ) {
        self.number = number
        self.resources = resources
        self.contents = contents
        self.mediaBox = mediaBox
        self.cropBox = cropBox ?? mediaBox
        self.rotation = rotation
        self.object = object
    }
}
