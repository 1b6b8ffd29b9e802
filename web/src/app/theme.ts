// Light, dark or the system's choice; an embedding operator can pass
// #theme=dark in the console URL to match its own product.
export type Theme = 'system' | 'light' | 'dark';
export const themeKey = 'ferry.theme';

export function storedTheme(storage: Storage = window.localStorage): Theme {
  const t = storage.getItem(themeKey);
  return t === 'light' || t === 'dark' ? t : 'system';
}

export function applyTheme(theme: Theme, storage: Storage = window.localStorage, root: HTMLElement = document.documentElement) {
  if (theme === 'system') {
    storage.removeItem(themeKey);
    delete root.dataset.theme;
  } else {
    storage.setItem(themeKey, theme);
    root.dataset.theme = theme;
  }
}
