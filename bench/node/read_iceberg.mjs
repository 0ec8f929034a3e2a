// Reads gwanmun's Iceberg tables with icebird, an Iceberg reader written
// in JavaScript (Avro manifests and Parquet through hyparquet) that shares
// no code with iceberg-go, Arrow or DuckDB. It follows each table from its
// metadata file: snapshot, manifest list, manifests, data files; every row
// of every data file is decoded.
//
// Usage: node read_iceberg.mjs TABLES.json
// where TABLES.json is `gwanmun iceberg tables --json`:
// [{table, location, metadata_location, snapshot_id}, ...]
// prints JSON {table: {rows, value_sum, fetched_max_ms, url_bytes, runs}}
// where runs, for the _runs commit log, is {run_id: rows the run committed}
import { promises as fs } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { register } from 'node:module'

// See inflate_hooks.mjs: icebird's own Avro inflater cannot read the
// deflate blocks Go writes, so its gunzip is Node's zlib.
register('./inflate_hooks.mjs', import.meta.url)
const { icebergMetadata, icebergRead } = await import('icebird')

// icebird reads through fetch; a local warehouse has file:// URLs, which
// Node's fetch does not serve, so this answers them from the disk (the
// whole file, as a server without range support would).
const netFetch = globalThis.fetch
globalThis.fetch = async (url, init) => {
  const u = String(url)
  if (!u.startsWith('file://')) return netFetch(url, init)
  const buf = await fs.readFile(fileURLToPath(u))
  const body = init?.method === 'HEAD' ? null : buf
  return new Response(body, { status: 200, headers: { 'Content-Length': String(buf.length) } })
}

const tables = JSON.parse(await fs.readFile(process.argv[2], 'utf8'))
const result = {}
for (const t of tables) {
  const out = { rows: 0, value_sum: 0, fetched_max_ms: 0, url_bytes: 0 }
  result[t.table] = out
  if (!t.snapshot_id) continue
  const metadata = await icebergMetadata({
    tableUrl: t.location,
    metadataFileName: path.basename(t.metadata_location),
  })
  const rows = await icebergRead({ tableUrl: t.location, metadata })
  out.rows = rows.length
  for (const r of rows) {
    if (typeof r.value === 'number') out.value_sum += r.value
    if (r.fetched_at instanceof Date) out.fetched_max_ms = Math.max(out.fetched_max_ms, r.fetched_at.getTime())
    if (typeof r.source_url === 'string') out.url_bytes += Buffer.byteLength(r.source_url, 'utf8')
    if (t.table === '_runs') {
      out.runs ??= {}
      out.runs[r.run_id] = Number(r.rows)
    }
  }
}
console.log(JSON.stringify(result))
