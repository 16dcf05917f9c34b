// The Engine is the one import a gateway needs: the types its API speaks in come with it.
@_exported public import FolioCache
@_exported public import FolioChunking
@_exported public import FolioIndex
@_exported public import FolioIngest
@_exported public import FolioModel
@_exported public import FolioScheduler
@_exported public import FolioTokenizer
