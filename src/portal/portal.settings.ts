/** Texts an admin sets for the portal: support resources, in each language, read with English as the fallback. */
import type { AppContext } from '../kernel/context.js';
import { localized, type PortalLanguage } from './i18n/index.js';
import type { PortalTexts } from './report.views.js';

export async function readPortalTexts(ctx: AppContext, lang: PortalLanguage): Promise<PortalTexts> {
  const row = await ctx.db.selectFrom('settings').select('value').where('key', '=', 'portal_support_resources').executeTakeFirst();
  return {
    supportResources: row ? localized(JSON.parse(row.value), lang) : null,
    acknowledgeDays: ctx.config.clocks.acknowledgeDays,
    feedbackMonths: ctx.config.clocks.feedbackMonths,
  };
}
