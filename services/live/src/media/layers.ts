/**
 * The simulcast layer for a video shown `viewWidth` CSS pixels wide on a link of `bitrateKbps`:
 * 0 ≈ 320 px, 1 ≈ 640 px, 2 ≈ 1280 px. Undefined when the viewer told us nothing. (Media tuning,
 * not a classroom rule: it only picks which copy of a stream the viewer may already receive.)
 */
export function pickSpatialLayer(
  viewWidth: number | undefined,
  bitrateKbps: number | undefined,
): number | undefined {
  if (bitrateKbps !== undefined && bitrateKbps < 400) return 0;
  if (viewWidth === undefined) return bitrateKbps !== undefined && bitrateKbps < 1200 ? 1 : undefined;
  const byView = viewWidth <= 360 ? 0 : viewWidth <= 720 ? 1 : 2;
  return bitrateKbps !== undefined && bitrateKbps < 1200 ? Math.min(byView, 1) : byView;
}
