// How the stage arranges its tiles.

/**
 * columns returns how many columns show count pictures of the given aspect ratio largest in
 * a width × height stage whose cells are gap pixels apart. Each picture keeps its shape
 * inside its cell, so the best arrangement is the one whose cells fit the widest picture:
 * two people side by side on a wide stage, one above the other on a tall one.
 */
export function columns(count, width, height, aspect = 16 / 9, gap = 12) {
  let best = 1;
  let widest = 0;
  for (let cols = 1; cols <= Math.max(count, 1); cols++) {
    const rows = Math.ceil(count / cols);
    const cellWidth = (width - gap * (cols - 1)) / cols;
    const cellHeight = (height - gap * (rows - 1)) / rows;
    const picture = Math.min(cellWidth, cellHeight * aspect);
    // A column more must earn its place: on a tie, fewer columns keep rows full.
    if (picture > widest + 1) {
      best = cols;
      widest = picture;
    }
  }
  return best;
}
