// A Node module hook for read_iceberg.mjs. icebird decompresses Avro
// "deflate" blocks with hyparquet-compressors' gunzip, whose JavaScript
// inflater (1.1.1 and 1.1.2) throws "offset is out of bounds" on raw
// deflate streams written by Go's compress/flate, which is what iceberg-go
// writes its manifests with. For icebird only, this resolves
// hyparquet-compressors to inflate_zlib.mjs: the same exports, gunzip done
// by Node's zlib. Nothing else of icebird is touched.
export async function resolve(specifier, context, next) {
  if (specifier === 'hyparquet-compressors' && context.parentURL?.includes('/node_modules/icebird/')) {
    return { url: new URL('./inflate_zlib.mjs', import.meta.url).href, shortCircuit: true }
  }
  return next(specifier, context)
}
