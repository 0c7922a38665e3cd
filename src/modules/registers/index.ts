export { RegistersModule } from './registers.module.js';
export {
  RegistersService,
  type TakeNumberInput,
  type TakenNumber,
  type RegisterView,
  type RegisterEntryView,
} from './registers.service.js';
export { formatNumber } from './register-layouts.js';
export { embedFonts, wrapText, wrapWords, textWidth, nfc, mm, type PdfFonts } from './pdf-text.js';
