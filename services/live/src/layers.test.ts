import { pickSpatialLayer } from './signaling';

describe('simulcast layer selection', () => {
  it('[JS-8] a phone-sized box gets the small layer, the main picture the large one, a thin link the smallest', () => {
    expect(pickSpatialLayer(160, 20_000)).toBe(0); // instructor's trainee grid
    expect(pickSpatialLayer(640, 20_000)).toBe(1); // phone main picture
    expect(pickSpatialLayer(1280, 20_000)).toBe(2); // laptop main picture
    expect(pickSpatialLayer(1280, 900)).toBe(1); // wide box, modest link
    expect(pickSpatialLayer(1280, 300)).toBe(0); // thin link
    expect(pickSpatialLayer(undefined, undefined)).toBeUndefined();
  });
});
