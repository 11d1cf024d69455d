// Writes the results as a self-contained SVG: one group of bars per (shape, metric), each
// bar the target's median as a ratio to raw ws, with the limit marked. No library.
import { METRICS } from "./metrics.js";

const COLORS = { ws: "#7f8c8d", socketio: "#e67e22", botwire: "#2471a3", bun: "#f1c40f" };
const NAMES = { ws: "raw ws", socketio: "Socket.IO", botwire: "botwire" };
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Renders the chart for the summarised shapes. */
export function chart(shapes, targets, subtitle) {
  const rows = [];
  for (const shape of shapes) {
    for (const m of METRICS[shape.kind]) if (m.chart !== false) rows.push({ shape, m });
  }
  const labelW = 300;
  const plotW = 420;
  const barH = 11;
  const groupH = targets.length * (barH + 2) + 12;
  const top = 70;
  const height = top + rows.length * groupH + 40;
  const width = labelW + plotW + 200;
  const maxRatio = 3;
  const x = (r) => labelW + (Math.min(r, maxRatio) / maxRatio) * plotW;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<title>botwire vs raw ws vs Socket.IO: medians as ratios to raw ws</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">botwire vs raw ws vs Socket.IO — median, as a ratio to raw ws</text>`,
    `<text x="10" y="38" fill="#555">${esc(subtitle)}</text>`,
    `<text x="10" y="54" fill="#555">Throughput: longer is better. Every other metric: shorter is better. Red tick: the target for botwire.</text>`,
  ];
  targets.forEach((t, i) => {
    out.push(
      `<rect x="${labelW + plotW + 20}" y="${top + i * 16}" width="10" height="10" fill="${COLORS[t]}"/>`,
      `<text x="${labelW + plotW + 35}" y="${top + i * 16 + 9}">${NAMES[t]}</text>`,
    );
  });
  for (const tick of [0, 1, 2, 3]) {
    const tx = x(tick);
    out.push(
      `<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${top + rows.length * groupH}" stroke="${tick === 1 ? "#333" : "#ddd"}" stroke-dasharray="${tick === 1 ? "4 3" : "2 3"}"/>`,
      `<text x="${tx}" y="${top - 9}" text-anchor="middle" fill="#555">${tick}×</text>`,
    );
  }
  rows.forEach(({ shape, m }, gi) => {
    const gy = top + gi * groupH;
    if (gi % 2 === 0) {
      out.push(
        `<rect x="0" y="${gy - 2}" width="${labelW + plotW + 10}" height="${groupH}" fill="#f6f8fa" opacity="0.7"/>`,
      );
    }
    out.push(
      `<text x="${labelW - 8}" y="${gy + groupH / 2 - 4}" text-anchor="end" font-weight="bold">${esc(shape.name)}</text>`,
      `<text x="${labelW - 8}" y="${gy + groupH / 2 + 9}" text-anchor="end" fill="#555">${esc(m.label)} (${esc(m.unit)})</text>`,
    );
    targets.forEach((t, i) => {
      const ratio = shape.ratio[t][m.key];
      const value = shape.median[t][m.key];
      const by = gy + 4 + i * (barH + 2);
      if (!Number.isFinite(ratio)) {
        out.push(`<text x="${labelW + 4}" y="${by + barH - 2}" fill="#999">n/a</text>`);
        return;
      }
      // Keep the label clear of the target tick drawn on botwire's bar.
      const tick = t === "botwire" && m.limit !== undefined ? x(m.limit) + 3 : 0;
      out.push(
        `<rect x="${labelW}" y="${by}" width="${Math.max(1, x(ratio) - labelW)}" height="${barH}" fill="${COLORS[t]}"/>`,
        `<text x="${Math.max(x(ratio), tick) + 4}" y="${by + barH - 2}" fill="#222">${ratio.toFixed(2)}× · ${value.toFixed(m.digits)}${ratio > maxRatio ? " ▶" : ""}</text>`,
      );
      if (t === "botwire" && m.limit !== undefined) {
        const lx = x(m.limit);
        out.push(
          `<line x1="${lx}" y1="${by - 2}" x2="${lx}" y2="${by + barH + 2}" stroke="#c0392b" stroke-width="2"/>`,
        );
      }
    });
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
