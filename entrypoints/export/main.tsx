import { render } from 'preact';
import '@/components/styles.css';
import { ExportPage } from './ExportPage';

render(<ExportPage search={location.search} />, document.getElementById('app')!);
