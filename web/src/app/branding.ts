// The operator's colour becomes the console's primary colour; text on it is
// black or white, whichever contrasts more (WCAG relative luminance).
export function onColor(hex: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return '#ffffff';
  const [r, g, b] = m.slice(1).map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with white is 1.05/(L+0.05); with black (L+0.05)/0.05.
  return 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 ? '#ffffff' : '#000000';
}

export function applyBranding(color: string | null | undefined, root: HTMLElement = document.documentElement) {
  if (color && /^#[0-9a-f]{6}$/i.test(color)) {
    root.style.setProperty('--primary', color);
    root.style.setProperty('--on-primary', onColor(color));
  } else {
    root.style.removeProperty('--primary');
    root.style.removeProperty('--on-primary');
  }
}
