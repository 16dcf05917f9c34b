import ArgumentParser
import FolioCLI

FolioCommand.main()
