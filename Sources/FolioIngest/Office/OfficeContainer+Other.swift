internal import FolioCompression

/// ZIP containers that are not DOCX or ODT, named by what their entries show.
extension OfficeContainer {
    /// A package whose `mimetype` entry names another format (an EPUB, an ODF spreadsheet), or nil.
    static func otherPackage(mediaType: String) -> UnsupportedFormat? {
        if mediaType == "application/epub+zip" { return .init(description: "an EPUB e-book") }
        let openDocument = "application/vnd.oasis.opendocument."
        guard mediaType.hasPrefix(openDocument) else { return nil }
        switch mediaType.dropFirst(openDocument.count) {
        case "spreadsheet": return .init(description: "an OpenDocument spreadsheet (ODS)")
        case "presentation": return .init(description: "an OpenDocument presentation (ODP)")
        case "graphics": return .init(description: "an OpenDocument drawing (ODG)")
        default: return .init(description: "an OpenDocument file of type \(mediaType)")
        }
    }

    /// An Office Open XML package whose main part is not a Word document: Excel, PowerPoint and Visio
    /// keep it under `xl/`, `ppt/` and `visio/`. Nil for anything else, read as a DOCX.
    static func otherOfficePackage(mainPath: String) -> UnsupportedFormat? {
        switch mainPath.split(separator: "/").first {
        case "xl": .init(description: "an Excel workbook (XLSX)")
        case "ppt": .init(description: "a PowerPoint presentation (PPTX)")
        case "visio": .init(description: "a Visio drawing (VSDX)")
        default: nil
        }
    }

    /// What a ZIP archive with neither a DOCX's main part nor an ODT's `mimetype` is, as far as its
    /// entries tell.
    func otherArchive() -> UnsupportedFormat {
        if archive.entry(named: "AndroidManifest.xml") != nil { return .init(description: "an Android package (APK)") }
        if archive.entry(named: "META-INF/MANIFEST.MF") != nil { return .init(description: "a Java archive (JAR)") }
        if archive.entry(named: "Index/Document.iwa") != nil {
            return .init(description: "an Apple iWork document (Pages, Numbers or Keynote)")
        }
        return .init(
            description: "a ZIP archive that is neither a DOCX (no word/document.xml) nor an ODT (no mimetype entry)")
    }
}
