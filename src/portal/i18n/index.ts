import { PORTAL_LANGUAGES, type LocalizedText, type PortalLanguage } from '../../questionnaires/questionnaire.schema.js';
import { de } from './de.js';
import { en, type Catalogue, type MessageKey } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { zh } from './zh.js';

export type { MessageKey, PortalLanguage };
export { PORTAL_LANGUAGES };

const CATALOGUES: Record<PortalLanguage, Catalogue> = { en, zh, de, fr, es };

/** BCP 47 tags for the html lang attribute. */
export const LANGUAGE_TAGS: Record<PortalLanguage, string> = { en: 'en', zh: 'zh-Hans', de: 'de', fr: 'fr', es: 'es' };

export function isLanguage(value: unknown): value is PortalLanguage {
  return typeof value === 'string' && (PORTAL_LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language to speak: the one in the URL or form if any, else the browser's preference. Nothing
 * is remembered in a cookie: links and forms carry the choice.
 */
export function chooseLanguage(explicit: unknown, acceptLanguage: string | undefined): PortalLanguage {
  if (isLanguage(explicit)) return explicit;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase().slice(0, 2);
    if (isLanguage(tag)) return tag;
  }
  return 'en';
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(lang: PortalLanguage): Translate {
  const catalogue = CATALOGUES[lang];
  return (key, values) => {
    const text = catalogue[key] ?? en[key];
    return values ? text.replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match)) : text;
  };
}

/** Admin-written text in the reader's language, falling back to English. */
export function localized(text: LocalizedText | null | undefined, lang: PortalLanguage): string | null {
  if (!text) return null;
  return (text as Record<string, string>)[lang] ?? text.en;
}
