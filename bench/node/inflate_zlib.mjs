// hyparquet-compressors for icebird with gunzip done by Node's zlib (see
// inflate_hooks.mjs); the Parquet codecs are the real package's.
import zlib from 'node:zlib'
export { compressors } from 'hyparquet-compressors'

/**
 * @param {Uint8Array} input gzip or raw deflate
 * @returns {Uint8Array}
 */
export function gunzip(input) {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  const out = input[0] === 0x1f && input[1] === 0x8b ? zlib.gunzipSync(buf) : zlib.inflateRawSync(buf)
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}
