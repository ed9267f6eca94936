import { z } from 'zod';
import { LocalizedText } from '../questionnaires/questionnaire.schema.js';

export const ChannelSlug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes');

export const UpdateChannelBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    description: LocalizedText.nullable().optional().describe('What this channel is for, shown on its landing page'),
    standardOfProof: z.string().trim().min(1).max(100).nullable().optional().describe("The standard findings on this channel's cases are made against; null: the installation's (CANDOR_STANDARD_OF_PROOF)"),
  })
  .meta({ id: 'UpdateChannelBody' });

export const CreateChannelBody = z
  .strictObject({ slug: ChannelSlug, name: z.string().trim().min(1).max(200), description: LocalizedText.optional() })
  .meta({ id: 'CreateChannelBody' });

export const Channel = z
  .object({ id: z.string(), slug: z.string(), name: z.string(), description: LocalizedText.nullable(), standardOfProof: z.string().nullable().optional() })
  .meta({ id: 'Channel' });

export const PortalTextsBody = z
  .strictObject({ supportResources: LocalizedText.nullable().describe('Support resources shown on every landing page and to anyone who is not safe') })
  .meta({ id: 'PortalTextsBody' });
