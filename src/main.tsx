// App entry point. The studio UI arrives with issue 3; until then the page says what the engine is.
import { createRoot } from 'react-dom/client';

function Placeholder() {
  return (
    <main>
      <h1>SD Studio</h1>
      <p>The diffusion engine is in place; the studio interface is coming next.</p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<Placeholder />);
