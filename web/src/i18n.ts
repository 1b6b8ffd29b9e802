import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { messages as app } from './app/messages';
import { messages as common } from './ui/messages';
import { messages as configurations } from './configurations/messages';
import { messages as deliveries } from './deliveries/messages';
import { messages as configurationDetail } from './configurations/detail.messages';
import { messages as keys } from './keys/messages';
import { messages as catalog } from './catalog/messages';
import { messages as verify } from './verify/messages';

export const languages = [
  { code: 'en', label: 'English' },
  { code: 'pt-BR', label: 'Português (Brasil)' },
] as const;

// Each feature keeps its own strings in its folder, under its own namespace.
const namespaces = { app, common, configurations, configurationDetail, deliveries, keys, catalog, verify };

const resources: Record<string, Record<string, object>> = { en: {}, 'pt-BR': {} };
for (const [ns, m] of Object.entries(namespaces)) {
  resources.en[ns] = m.en;
  resources['pt-BR'][ns] = m['pt-BR'];
}

export const languageKey = 'ferry.lang';

// Browsers say pt, pt-PT or pt-BR; Ferry speaks Brazilian Portuguese to all of them.
export function supportedLanguage(lng: string | undefined | null): string {
  const l = (lng ?? '').toLowerCase();
  if (l.startsWith('pt')) return 'pt-BR';
  return 'en';
}

export function initI18n(lng?: string) {
  if (i18n.isInitialized) return i18n;
  i18n
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      resources,
      lng,
      fallbackLng: 'en',
      supportedLngs: ['en', 'pt-BR'],
      defaultNS: 'common',
      ns: Object.keys(namespaces),
      interpolation: { escapeValue: false },
      detection: {
        order: ['localStorage', 'navigator'],
        lookupLocalStorage: languageKey,
        caches: ['localStorage'],
        convertDetectedLanguage: supportedLanguage,
      },
      returnNull: false,
    });
  return i18n;
}

export function setLanguage(lng: string) {
  void i18n.changeLanguage(supportedLanguage(lng));
}

export { i18n };

// Screen readers pick their voice from <html lang>.
i18n.on('languageChanged', (lng) => {
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
});
