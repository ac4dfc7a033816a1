/**
 * Reading files out of an Emscripten packed-assets bundle (`*_packed_assets.data`), as shipped by
 * the legacy MediaPipe solutions on npm. The loader script lists each file's byte range in a
 * `loadPackage({"files": [...], "remote_package_size": N, ...})` call.
 */

/** One file of a packed-assets bundle: its path inside the Emscripten FS and its byte range. */
export interface PackedFile {
  filename: string;
  start: number;
  end: number;
}

/** Parses the file list (and total size) out of the text of a `*_packed_assets_loader.js`. */
export function parsePackedAssetsLoader(loaderJs: string): { files: PackedFile[]; size: number } {
  const match = /loadPackage\((\{"files":.*?\})\);/s.exec(loaderJs);
  if (!match?.[1]) throw new Error('packed-assets: no loadPackage({...}) call in the loader');
  const meta = JSON.parse(match[1]) as { files: PackedFile[]; remote_package_size: number };
  return { files: meta.files, size: meta.remote_package_size };
}

/**
 * Extracts the file whose path ends with `/<name>` from the packed bundle `data`, using the ranges
 * listed in `loaderJs`. Throws when the file is missing or the bundle size does not match.
 */
export function extractPackedFile(data: Uint8Array, loaderJs: string, name: string): Uint8Array {
  const { files, size } = parsePackedAssetsLoader(loaderJs);
  if (data.byteLength !== size) throw new Error(`packed-assets: data is ${data.byteLength} bytes, loader says ${size}`);
  const file = files.find((f) => f.filename === name || f.filename.endsWith(`/${name}`));
  if (!file) throw new Error(`packed-assets: ${name} not listed (have ${files.map((f) => f.filename).join(', ')})`);
  if (!(file.start >= 0 && file.start < file.end && file.end <= data.byteLength)) {
    throw new Error(`packed-assets: bad range ${file.start}–${file.end} for ${name}`);
  }
  return data.slice(file.start, file.end);
}
