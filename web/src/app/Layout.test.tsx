import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { Provider, type Client } from 'urql';
import { MemoryRouter, Route, Routes } from 'react-router';
import { fromValue } from 'wonka';
import { Layout } from './Layout';
import { onColor } from './branding';

function withViewer(branding: { name: string | null; logoURL: string | null; primaryColor: string | null }) {
  const client = {
    executeQuery: () =>
      fromValue({
        data: {
          viewer: {
            role: 'ACCOUNT',
            capabilities: ['READ'],
            returnURL: null,
            expiresAt: null,
            account: { id: 'acc_1', name: 'Stift' },
            branding,
          },
        },
      }),
  } as unknown as Client;
  render(
    <Provider value={client}>
      <MemoryRouter>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<p>screen</p>} />
          </Route>
        </Routes>
      </MemoryRouter>
    </Provider>,
  );
}

describe('Layout branding', () => {
  it("shows the operator's name and logo and takes its primary colour", () => {
    withViewer({ name: 'Acme Webhooks', logoURL: 'https://acme.example/logo.png', primaryColor: '#ffcc00' });
    expect(screen.getByText('Acme Webhooks')).toBeInTheDocument();
    expect(document.querySelector('.brand-logo')).toHaveAttribute('src', 'https://acme.example/logo.png');
    expect(document.documentElement.style.getPropertyValue('--primary')).toBe('#ffcc00');
    // Yellow is light: text on it is black.
    expect(document.documentElement.style.getPropertyValue('--on-primary')).toBe('#000000');
    expect(document.title).toBe('Acme Webhooks · Webhooks');
  });

  it("is Ferry's own look without branding", () => {
    withViewer({ name: null, logoURL: null, primaryColor: null });
    expect(screen.getByText('Ferry')).toBeInTheDocument();
    expect(document.querySelector('.brand-logo')).toBeNull();
    expect(document.documentElement.style.getPropertyValue('--primary')).toBe('');
  });
});

describe('onColor', () => {
  it('picks white on dark colours and black on light ones', () => {
    expect(onColor('#2457d6')).toBe('#ffffff');
    expect(onColor('#000000')).toBe('#ffffff');
    expect(onColor('#ffffff')).toBe('#000000');
    expect(onColor('#7aa2ff')).toBe('#000000');
  });
});
