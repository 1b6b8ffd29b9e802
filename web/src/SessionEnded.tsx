import { useEffect, useState } from 'react';
import { endSession } from './session';

// Shown when the API no longer accepts the session (or there never was one):
// the customer goes back to the operator's returnURL when there is one.
export function SessionEnded({ go = (url: string) => window.location.assign(url) }: { go?: (url: string) => void }) {
  const [returnURL] = useState(() => endSession());
  useEffect(() => {
    if (returnURL) go(returnURL);
  }, [returnURL, go]);

  return (
    <main className="ended">
      <h1>Your session has ended</h1>
      {returnURL ? (
        <p>
          Taking you back… <a href={returnURL}>Continue</a>
        </p>
      ) : (
        <p>Open the console again from the application that sent you here.</p>
      )}
    </main>
  );
}
