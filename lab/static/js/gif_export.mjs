// The recorded trajectory as an animated GIF, made in the browser with gifenc (npm, MIT; lab/static/gifenc).
import { GIFEncoder, applyPalette, quantize } from "../gifenc/gifenc.esm.js";

const MAX_FRAMES = 60, SCALE = 2;

/** frames: recorded steps; pixels(frame) -> ImageData at scale 1. Up to MAX_FRAMES evenly spaced, always the
 *  first and the last, drawn at SCALE×, three seconds in all with a pause on the finished sample. */
export function animatedGif(frames, pixels) {
  const count = Math.min(MAX_FRAMES, frames.length), gif = GIFEncoder();
  const delay = Math.max(40, Math.round(3000 / count));
  for (let j = 0; j < count; j++) {
    const frame = frames[Math.round(j * (frames.length - 1) / Math.max(1, count - 1))];
    const image = scaled(pixels(frame));
    const palette = quantize(image.data, 256);
    gif.writeFrame(applyPalette(image.data, palette), image.width, image.height,
      { palette, delay: j === count - 1 ? 1500 : delay });
  }
  gif.finish();
  return new Blob([gif.bytes()], { type: "image/gif" });
}

function scaled(image) {
  const width = image.width * SCALE, height = image.height * SCALE, out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const from = (Math.floor(y / SCALE) * image.width + Math.floor(x / SCALE)) * 4;
    out.set(image.data.subarray(from, from + 4), (y * width + x) * 4);
  }
  return { data: out, width, height };
}
