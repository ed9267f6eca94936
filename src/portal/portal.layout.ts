import { html, type Html } from '../kernel/http/html.js';
import { LANGUAGE_TAGS, PORTAL_LANGUAGES, translator, type PortalLanguage, type Translate } from './i18n/index.js';
import { assetUrl } from './portal.assets.js';

export interface PageContext {
  lang: PortalLanguage;
  t: Translate;
  quickExitUrl: string;
}

export function pageContext(lang: PortalLanguage, quickExitUrl: string): PageContext {
  return { lang, t: translator(lang), quickExitUrl };
}

/** Appends the language to a portal link, so the choice travels with the reporter and not in a cookie. */
export function link(path: string, lang: PortalLanguage): string {
  return `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
}

export interface LayoutOptions {
  title: string;
  /** The same page in another language; omitted on pages reached by sending a form. */
  languageLink?: (lang: PortalLanguage) => string;
}

export function layout(page: PageContext, options: LayoutOptions, body: Html): Html {
  const { t, lang } = page;
  const languages = options.languageLink
    ? html`<nav class="languages" aria-label="${t('nav.language')}"><ul>
        ${PORTAL_LANGUAGES.map((other) =>
          other === lang
            ? html`<li><span aria-current="true" lang="${LANGUAGE_TAGS[other]}">${translator(other)('lang.name')}</span></li>`
            : html`<li><a href="${options.languageLink!(other)}" lang="${LANGUAGE_TAGS[other]}" hreflang="${LANGUAGE_TAGS[other]}">${translator(other)('lang.name')}</a></li>`,
        )}
      </ul></nav>`
    : null;
  return html`<!doctype html>
<html lang="${LANGUAGE_TAGS[lang]}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${options.title} · ${t('site.title')}</title>
<link rel="stylesheet" href="${assetUrl('portal.css')}">
<script src="${assetUrl('portal.js')}" defer></script>
</head>
<body>
<a class="skip" href="#main">${t('site.skip')}</a>
<header class="top">
  <div class="top-inner">
    <a class="brand" href="${link('/', lang)}">${t('site.title')}</a>
    <a class="quick-exit" href="${page.quickExitUrl}" rel="noreferrer noopener" data-quick-exit>${t('exit.button')}</a>
  </div>
  <p class="exit-hint" hidden data-needs-script>${t('exit.hint')}</p>
  ${languages}
</header>
<main id="main" tabindex="-1">
${body}
</main>
<footer class="foot"><p>${t('footer.privacy')}</p></footer>
</body>
</html>`;
}

/** A page that says something went wrong, with a way back. */
export function errorPage(page: PageContext, message: string): Html {
  const { t } = page;
  return layout(page, { title: t('error.heading') }, html`<h1>${t('error.heading')}</h1><p class="notice">${message}</p><p><a class="button secondary" href="${link('/', page.lang)}">${t('error.back')}</a></p>`);
}
