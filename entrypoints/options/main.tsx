import { render } from 'preact';
import '@/components/styles.css';
import { SettingsPage } from './SettingsPage';

render(<SettingsPage />, document.getElementById('app')!);
