export const messages = {
  en: {
    title: 'Verifying requests',
    intro:
      'Your URL is public, so anyone could send it a request pretending to be Ferry. Ferry signs every request with the secret of the configuration’s signing key, which only you and Ferry know: recompute the signature and accept the request only when it matches.',
    steps: {
      title: 'How to check a request',
      rawBody: 'Use the raw body bytes as received. Parsing the JSON and serialising it again changes the bytes and breaks the signature.',
      timestamp:
        'Refuse a webhook-timestamp more than 5 minutes from your clock, either way. The timestamp is signed, so a captured request cannot be replayed later. Keep your clock in sync (NTP).',
      constantTime: 'Compare signatures in constant time (hmac.Equal, crypto.timingSafeEqual, hmac.compare_digest), never with ==.',
      anySignature:
        'webhook-signature is “v1,” and the base64 HMAC-SHA256 of “{webhook-id}.{webhook-timestamp}.{body}”, keyed with the secret’s bytes (base64-decode what follows whsec_). Accept the request if any v1 entry matches: during a key rotation there are two.',
    },
    headers: {
      title: 'Headers Ferry sends',
      name: 'Header',
      meaning: 'What it holds',
      signed: 'Covered by the signature',
      yes: 'Yes',
      no: 'No',
      about: {
        'webhook-id': 'The event id (Standard Webhooks); the same on every retry and resend.',
        'webhook-timestamp': 'When this attempt was signed, in Unix seconds.',
        'webhook-signature': 'v1,<base64 HMAC-SHA256>; several, space-separated, during a key rotation. Check this one.',
        'X-Signature': 'Lowercase hex HMAC-SHA256 of the body alone, for older integrations. It has no timestamp, so a captured request stays valid forever: prefer webhook-signature.',
        'X-Ferry-Event-Id': 'The event id: deduplicate on it.',
        'X-Ferry-Configuration-Id': 'The configuration the delivery belongs to.',
        'X-Ferry-Delivery-Id': 'The delivery, as in the delivery history.',
        'X-Ferry-Attempt': 'The attempt number, 1 for the first.',
      },
    },
    body: 'The body is JSON: the event id, its type, its data and sentDate (the event’s time, RFC 3339 UTC). It is byte-identical on every retry and resend.',
    bodyLabel: 'Example body',
    code: {
      title: 'Code',
      copy: 'Copy: {{what}}',
      tested: 'The verifiers above are the code of Ferry’s README, which Ferry’s own tests run against the signatures it makes.',
      go: {
        intro:
          'The webhook package (standard library only) does all of the above. Its middleware answers bad signatures with 401, answers the URL check with 200 and passes verified events to your handler. During a rotation, webhook.NewVerifier(oldSecret, newSecret) accepts either.',
        install: 'Install',
        verifier: 'Receiver',
      },
      node: {
        intro: 'Built-in crypto only. Give it the raw body: with Express, express.raw({ type: "application/json" }) on the webhook route.',
        verifier: 'Verifier',
        handler: 'Express handler',
      },
      python: {
        intro: 'Python 3.9+, standard library only. Give it the raw body: with Flask, request.get_data().',
        verifier: 'Verifier',
        handler: 'Flask handler',
      },
    },
    notes: {
      title: 'Good to know',
      dedupTitle: 'Deduplicate on the event id.',
      dedup:
        'Delivery is at least once: a retry or a resend can bring an event you have already handled. Its id (event.id, also in webhook-id and X-Ferry-Event-Id) never changes, so store the ids you have handled and skip repeats.',
      fastTitle: 'Answer 2xx quickly.',
      fast: 'Any 2xx within the configuration’s timeout is a success; anything else, a redirect or a timeout is retried later. Acknowledge first and do slow work afterwards, e.g. from a queue.',
      urlCheckTitle: 'The URL check is unsigned.',
      urlCheck:
        'When a configuration is created or its URL verified, Ferry sends a request whose event is ferry.url_verification without signatures: answer it with a 2xx and do nothing else. The activation ping is a signed event of type ping: answer it with a 2xx too.',
      rotationTitle: 'Rotating a key.',
      rotation: 'For 24 hours after a rotation the previous secret still signs, so you can switch your receiver without losing a request.',
      keysLink: 'Signing keys',
      xSignatureTitle: 'X-Signature.',
      xSignature: 'It signs the body alone and keeps the previous secret until the rotation’s 24 hours end. Prefer webhook-signature.',
    },
  },
  'pt-BR': {
    title: 'Verificando requisições',
    intro:
      'A sua URL é pública, então qualquer um poderia enviar uma requisição fingindo ser o Ferry. O Ferry assina cada requisição com o segredo da chave de assinatura da configuração, que só você e o Ferry conhecem: recalcule a assinatura e aceite a requisição só quando ela bater.',
    steps: {
      title: 'Como verificar uma requisição',
      rawBody: 'Use os bytes do corpo exatamente como chegaram. Interpretar o JSON e serializá-lo de novo muda os bytes e invalida a assinatura.',
      timestamp:
        'Recuse um webhook-timestamp a mais de 5 minutos do seu relógio, para mais ou para menos. O timestamp é assinado, então uma requisição capturada não pode ser reenviada depois. Mantenha o relógio sincronizado (NTP).',
      constantTime: 'Compare as assinaturas em tempo constante (hmac.Equal, crypto.timingSafeEqual, hmac.compare_digest), nunca com ==.',
      anySignature:
        'O webhook-signature é “v1,” seguido do HMAC-SHA256 em base64 de “{webhook-id}.{webhook-timestamp}.{corpo}”, com os bytes do segredo como chave (decodifique em base64 o que vem depois de whsec_). Aceite a requisição se qualquer entrada v1 bater: durante a troca de segredo há duas.',
    },
    headers: {
      title: 'Cabeçalhos que o Ferry envia',
      name: 'Cabeçalho',
      meaning: 'O que contém',
      signed: 'Coberto pela assinatura',
      yes: 'Sim',
      no: 'Não',
      about: {
        'webhook-id': 'O id do evento (Standard Webhooks); o mesmo em toda nova tentativa e reenvio.',
        'webhook-timestamp': 'Quando esta tentativa foi assinada, em segundos Unix.',
        'webhook-signature': 'v1,<HMAC-SHA256 em base64>; vários, separados por espaço, durante a troca de segredo. Verifique este.',
        'X-Signature': 'HMAC-SHA256 só do corpo, em hexadecimal minúsculo, para integrações antigas. Não tem timestamp, então uma requisição capturada vale para sempre: prefira o webhook-signature.',
        'X-Ferry-Event-Id': 'O id do evento: use-o para descartar duplicados.',
        'X-Ferry-Configuration-Id': 'A configuração a que o envio pertence.',
        'X-Ferry-Delivery-Id': 'O envio, como no Histórico de Envios.',
        'X-Ferry-Attempt': 'O número da tentativa, 1 para a primeira.',
      },
    },
    body: 'O corpo é JSON: o id do evento, o tipo, os dados e o sentDate (a hora do evento, RFC 3339 em UTC). Ele é idêntico, byte a byte, em toda nova tentativa e reenvio.',
    bodyLabel: 'Exemplo de corpo',
    code: {
      title: 'Código',
      copy: 'Copiar: {{what}}',
      tested: 'Os verificadores acima são o código do README do Ferry, que os testes do próprio Ferry executam contra as assinaturas que ele gera.',
      go: {
        intro:
          'O pacote webhook (só biblioteca padrão) faz tudo isso. O middleware responde 401 a assinaturas inválidas, responde 200 à verificação de URL e passa os eventos verificados ao seu handler. Durante a troca de segredo, webhook.NewVerifier(segredoAntigo, segredoNovo) aceita os dois.',
        install: 'Instalação',
        verifier: 'Receptor',
      },
      node: {
        intro: 'Só o crypto nativo. Passe o corpo bruto: no Express, express.raw({ type: "application/json" }) na rota do webhook.',
        verifier: 'Verificador',
        handler: 'Handler no Express',
      },
      python: {
        intro: 'Python 3.9+, só biblioteca padrão. Passe o corpo bruto: no Flask, request.get_data().',
        verifier: 'Verificador',
        handler: 'Handler no Flask',
      },
    },
    notes: {
      title: 'Bom saber',
      dedupTitle: 'Descarte duplicados pelo id do evento.',
      dedup:
        'A entrega é pelo menos uma vez: uma nova tentativa ou um reenvio pode trazer um evento que você já tratou. O id dele (event.id, também no webhook-id e no X-Ferry-Event-Id) nunca muda, então guarde os ids já tratados e ignore as repetições.',
      fastTitle: 'Responda 2xx rápido.',
      fast: 'Qualquer 2xx dentro do tempo limite da configuração é sucesso; qualquer outra resposta, redirecionamento ou demora é tentada de novo depois. Confirme primeiro e faça o trabalho demorado depois, por exemplo numa fila.',
      urlCheckTitle: 'A verificação de URL não é assinada.',
      urlCheck:
        'Quando uma configuração é criada ou a URL é verificada, o Ferry envia uma requisição sem assinatura cujo evento é ferry.url_verification: responda com 2xx e não faça mais nada. O ping de ativação é um evento assinado do tipo ping: responda com 2xx também.',
      rotationTitle: 'Trocando o segredo de uma chave.',
      rotation: 'Nas 24 horas seguintes à troca, o segredo anterior continua assinando, para você atualizar o receptor sem perder nenhuma requisição.',
      keysLink: 'Chaves de assinatura',
      xSignatureTitle: 'X-Signature.',
      xSignature: 'Assina só o corpo e mantém o segredo anterior até o fim das 24 horas da troca. Prefira o webhook-signature.',
    },
  },
};
