import { jpegSize } from './frame-grab';

/** A JPEG's start: SOI, an APP0 segment, then a baseline SOF0 with the given size. */
function jpegHeader(width: number, height: number, sof = 0xc0): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sofSeg = Buffer.alloc(19);
  sofSeg.writeUInt16BE(0xff00 | sof, 0);
  sofSeg.writeUInt16BE(17, 2);
  sofSeg[4] = 8;
  sofSeg.writeUInt16BE(height, 5);
  sofSeg.writeUInt16BE(width, 7);
  sofSeg[9] = 3;
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sofSeg, Buffer.from([0xff, 0xd9])]);
}

describe('still grabs (JS-13.2)', () => {
  it('[JS-13.2] reads the width and height of a decoded still from its SOF marker', () => {
    expect(jpegSize(jpegHeader(640, 360))).toEqual({ width: 640, height: 360 });
    expect(jpegSize(jpegHeader(320, 240, 0xc2))).toEqual({ width: 320, height: 240 });
  });

  it('[JS-13.2] what is not a JPEG has no size (the grab fails instead of storing it)', () => {
    expect(jpegSize(Buffer.from('not a picture at all'))).toBeNull();
    expect(jpegSize(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(jpegSize(jpegHeader(640, 360).subarray(0, 20))).toBeNull();
  });
});
