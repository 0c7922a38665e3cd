import type { tenancyVi } from './tenancy.vi.js';

export const tenancyEn: Record<keyof typeof tenancyVi, string> = {
  processOwner: 'Owner',
  processOwnerDefault: 'Province default',
  processOwnVariant: "our agency's variant",
  processInherited: 'inherited from above',
  editorVersionOf: 'Version in use: v{version} of {owner}.',
  editorOwnVariant: "This is our agency's own variant; deploying makes a new version of it.",
  editorCreateVariant: "Create our agency's variant from this flow",
  editorVariantStarted:
    "Editing our agency's own variant: once deployed, our new documents run on it; other agencies keep running theirs.",
};
