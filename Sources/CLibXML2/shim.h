/* CLibXML2: includes and macro wrappers only. The ingestion stage is its only importer. */
#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU, and libxml/encoding.h then includes ICU's headers, which clash with
   the copy of ICU that Foundation carries ("... is not present in definition of 'enum UErrorCode'").
   Folio hands libxml2 UTF-8 only and never touches the ICU members of xmlCharEncodingHandler, the one
   structure whose layout this changes (it is only ever used through pointers). */
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

/* xmlFree is a global function pointer; Swift never touches C globals directly. */
static inline void clibxml2_free(void *pointer) { xmlFree(pointer); }
