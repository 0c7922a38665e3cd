import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { initialLang } from './i18n/index.js';
import './styles.css';

document.documentElement.lang = initialLang();
createRoot(document.getElementById('root')!).render(<App />);
