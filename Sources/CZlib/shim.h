/* CZlib: includes and macro wrappers only. */
#include <zlib.h>

/* inflateInit2 is a macro (it passes ZLIB_VERSION and the stream size); Swift cannot call it. */
static inline int czlib_inflate_init2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
