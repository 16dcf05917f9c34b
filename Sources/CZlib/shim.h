/* CZlib: includes and macro wrappers only. */
#include <zlib.h>

/* inflateInit2 is a macro (it passes ZLIB_VERSION and the stream size); Swift cannot call it. */
static inline int czlib_inflate_init2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

/* deflateInit2 is a macro too; tests use it to make compressed fixtures. */
static inline int czlib_deflate_init2(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
