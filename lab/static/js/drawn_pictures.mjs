// Tab 5's last pictures as one compact value for the server's nearest training emoji (lab/lessons/memorising.py,
// decode_pictures): base64 of each picture's RGB bytes row by row (H, W, 3), one picture after another.
// They come from the run in this browser when it drew the latest pictures (browser_sampler.mjs keeps them on its
// .dl-browser element as dlPictures), else from the gallery the server filled (thumbnails, each pixel scale×scale).
// An empty value when there are none yet: the server then says to generate first.

/** uint8 pixels (B, C, H, W), C = 1 or 3 -> (B, H, W, 3) bytes. */
export function rgbRows(pixels, batch, channels, size) {
  const out = new Uint8Array(batch * size * size * 3);
  for (let b = 0; b < batch; b++) for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    for (let c = 0; c < 3; c++) {
      out[((b * size + y) * size + x) * 3 + c] = pixels[((b * channels + (channels === 3 ? c : 0)) * size + y) * size + x];
    }
  }
  return out;
}

export function toBase64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** (size, size, 3) bytes of a thumbnail drawn `scale` times larger: one pixel from the middle of each block. */
async function thumbnailRows(image, scale) {
  if (!image.complete) await image.decode();
  const size = Math.round(image.naturalWidth / scale), canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data, out = new Uint8Array(size * size * 3);
  const middle = Math.floor(scale / 2);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) {
    out[(y * size + x) * 3 + c] = rgba[((y * scale + middle) * canvas.width + x * scale + middle) * 4 + c];
  }
  return out;
}

/** The compact value of the last pictures: the browser run's (browserId) or the server's gallery (galleryId). */
export async function drawnPictures(browserId, galleryId, scale) {
  const own = document.querySelector(`#${browserId} .dl-browser`)?.dlPictures;
  if (own) return toBase64(rgbRows(own.pixels, ...own.shape));
  const gallery = document.getElementById(galleryId);
  if (!gallery || gallery.offsetParent === null) return ""; // hidden: a run in the browser is under way
  const rows = [];
  for (const image of gallery.querySelectorAll(".thumbnail-lg img")) rows.push(await thumbnailRows(image, scale));
  const bytes = new Uint8Array(rows.reduce((n, r) => n + r.length, 0));
  rows.reduce((offset, r) => { bytes.set(r, offset); return offset + r.length; }, 0);
  return toBase64(bytes);
}
