// Reads a gwanmun lake with hyparquet, a Parquet implementation written
// from the spec in JavaScript and sharing no code with Arrow or DuckDB. It
// finds files the way Spark, Trino or pyarrow would: every *.parquet under
// <lake>/<dataset>/, skipping folders and files whose names start with "_"
// or "." (staging, manifests, temp files). Every row of every file is
// decoded, not only counted from the footer.
//
// Usage: node read_lake.mjs LAKE_DIR
// prints JSON {dataset: {files, rows, footer_rows, value_sum, fetched_max_ms, url_bytes}}
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'

async function parquetFiles(dir) {
  const out = []
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('_') || e.name.startsWith('.')) continue
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...await parquetFiles(p))
    else if (e.name.endsWith('.parquet')) out.push(p)
  }
  return out
}

const lake = process.argv[2]
const result = {}
for (const e of await fs.readdir(lake, { withFileTypes: true })) {
  if (!e.isDirectory() || e.name.startsWith('_') || e.name.startsWith('.')) continue
  const ds = { files: 0, rows: 0, footer_rows: 0, value_sum: 0, fetched_max_ms: 0, url_bytes: 0 }
  for (const f of await parquetFiles(path.join(lake, e.name))) {
    const file = await asyncBufferFromFile(f)
    const meta = await parquetMetadataAsync(file)
    const rows = await parquetReadObjects({ file, metadata: meta, compressors })
    ds.files++
    ds.rows += rows.length
    ds.footer_rows += Number(meta.num_rows)
    for (const r of rows) {
      if (typeof r.value === 'number') ds.value_sum += r.value
      if (r.fetched_at instanceof Date) ds.fetched_max_ms = Math.max(ds.fetched_max_ms, r.fetched_at.getTime())
      if (typeof r.source_url === 'string') ds.url_bytes += Buffer.byteLength(r.source_url, 'utf8')
    }
  }
  result[e.name] = ds
}
console.log(JSON.stringify(result))
