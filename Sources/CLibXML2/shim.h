/* CLibXML2: includes and macro wrappers only. The ingestion stage is its only importer. */
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>

/* xmlFree is a global function pointer; Swift never touches C globals directly. */
static inline void clibxml2_free(void *pointer) { xmlFree(pointer); }
