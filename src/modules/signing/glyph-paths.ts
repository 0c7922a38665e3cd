import {
  appendBezierCurve,
  closePath,
  concatTransformationMatrix,
  fill,
  lineTo,
  moveTo,
  popGraphicsState,
  pushGraphicsState,
  setFillingColor,
  type Color,
  type PDFOperator,
} from 'pdf-lib';
import { tinosFont, type TinosStyle } from '../../common/tinos-fonts.js';

/**
 * Text of the signature appearances drawn as glyph outlines (Tinos: Times New Roman metrics, full Vietnamese).
 * fontkit shapes the NFC text (marks positioned by GPOS, stack-notes trap 12) and the outlines go into the
 * appearance stream, so no font is embedded per signature. (pdf-lib 1.17's font subsetting drops most glyphs of
 * Tinos, and a full embedding would add ~500 KB to every signature.)
 */
export type FontStyle = Exclude<TinosStyle, 'boldItalic'>;

interface Command {
  command: string;
  args: number[];
}
export interface ShapedText {
  width: number;
  size: number;
  glyphs: { commands: Command[]; x: number; y: number }[];
  scale: number;
}

export function shape(style: FontStyle, text: string, size: number): ShapedText {
  const f = tinosFont(style);
  const run = f.layout(text.normalize('NFC'));
  const scale = size / f.unitsPerEm;
  let pen = 0;
  const glyphs = run.glyphs.map((g, i) => {
    const p = run.positions[i];
    const out = {
      commands: (g.path as unknown as { commands: Command[] }).commands,
      x: (pen + p.xOffset) * scale,
      y: p.yOffset * scale,
    };
    pen += p.xAdvance;
    return out;
  });
  return { width: pen * scale, size, glyphs, scale };
}

export function textWidth(style: FontStyle, text: string, size: number): number {
  return shape(style, text, size).width;
}

/** Fills the shaped text with its baseline origin at (x, y), rotated by `rotate` radians around that origin. */
export function drawShaped(t: ShapedText, o: { x: number; y: number; rotate?: number; color: Color }): PDFOperator[] {
  const cos = Math.cos(o.rotate ?? 0);
  const sin = Math.sin(o.rotate ?? 0);
  const ops: PDFOperator[] = [
    pushGraphicsState(),
    setFillingColor(o.color),
    concatTransformationMatrix(cos, sin, -sin, cos, o.x, o.y),
  ];
  const r = (n: number) => Math.round(n * 1000) / 1000;
  for (const g of t.glyphs) {
    const px = (v: number) => r(g.x + v * t.scale);
    const py = (v: number) => r(g.y + v * t.scale);
    let cx = 0;
    let cy = 0;
    for (const c of g.commands) {
      const a = c.args;
      if (c.command === 'moveTo') ops.push(moveTo(px(a[0]), py(a[1])));
      else if (c.command === 'lineTo') ops.push(lineTo(px(a[0]), py(a[1])));
      else if (c.command === 'bezierCurveTo')
        ops.push(appendBezierCurve(px(a[0]), py(a[1]), px(a[2]), py(a[3]), px(a[4]), py(a[5])));
      else if (c.command === 'quadraticCurveTo') {
        // PDF has cubic curves only: the quadratic (P0, Q, P2) is the cubic with controls P0 + 2/3(Q-P0), P2 + 2/3(Q-P2).
        const [qx, qy, ex, ey] = a;
        ops.push(
          appendBezierCurve(
            px(cx + (2 / 3) * (qx - cx)),
            py(cy + (2 / 3) * (qy - cy)),
            px(ex + (2 / 3) * (qx - ex)),
            py(ey + (2 / 3) * (qy - ey)),
            px(ex),
            py(ey),
          ),
        );
      } else if (c.command === 'closePath') ops.push(closePath());
      if (a.length >= 2) [cx, cy] = [a[a.length - 2], a[a.length - 1]];
    }
  }
  ops.push(fill(), popGraphicsState());
  return ops;
}
