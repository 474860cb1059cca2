import { render } from 'preact';
import '@/components/styles.css';
import { ExportPage } from './ExportPage';

render(<ExportPage caseId={new URLSearchParams(location.search).get('case') ?? ''} />, document.getElementById('app')!);
