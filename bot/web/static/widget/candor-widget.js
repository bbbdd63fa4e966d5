/*
 * Candor chat widget: plain JavaScript, no build step, no third-party code.
 *
 * Embed with one tag (the CSS is loaded from next to this file):
 *   <script src="https://CONSOLE/widget/candor-widget.js" defer
 *           data-server-url="https://RASA" data-title="Northwind Bank assistant"></script>
 *
 * Design notes (the "why"):
 * - Everything lives in a shadow root so the bank's CSS cannot restyle it and ours cannot leak.
 * - Message text is only ever inserted with text nodes; the one markup we create from a message
 *   is a link, and only for [label](http(s)://...) whose URL parses with an http(s) scheme.
 * - Every bot message must carry metadata.ai_generated === true; anything else is rendered with
 *   a warning style instead of passing silently as a human's words.
 * - A typed message is never lost: it is stored (sessionStorage) before it is sent, shown with
 *   its delivery state, and retried with exponential back-off while the server is unreachable.
 * - The session id and the history live in sessionStorage, so a reload (same tab) continues
 *   the same conversation and re-renders it; closing the tab forgets both.
 */
(function () {
  "use strict";

  // Must be read synchronously while this script runs (null inside callbacks).
  var SCRIPT = document.currentScript;
  if (!SCRIPT || window.CandorWidget) {
    return; // loaded as a module or embedded twice: one widget per page
  }

  var STORAGE_KEY = "candor-widget:v1";
  var HISTORY_LIMIT = 200; // keep sessionStorage small; old turns drop off the top
  var REQUEST_TIMEOUT_MS = 60000; // a busy server may take a while, but not forever
  var BACKOFF_MS = [1000, 2000, 4000, 8000, 16000, 30000];
  var HUMAN_PAYLOAD = "/request_human";
  // The bot asks for the rating itself when a conversation ends (goodbye, resolution, handoff):
  // once it has, the widget never shows its own survey, so nobody is asked twice.
  var BOT_SURVEY_RESPONSES = ["utter_ask_csat_rating"];
  var DISCLOSURE_RULE = "ai-disclosure";

  var STRINGS = {
    en: {
      title: "Chat with us",
      launcher: "Chat with us",
      subtitle: "AI assistant",
      disclosure:
        "You are chatting with an AI assistant, not a person. It gives general information and " +
        "cannot see your accounts. You can ask for a person at any time.",
      close: "Close chat",
      human: "Talk to a person",
      humanSent: "Talk to a person",
      log: "Conversation",
      inputLabel: "Your message",
      inputHint: "Press Enter to send, Shift+Enter for a new line.",
      send: "Send",
      you: "You",
      assistant: "Assistant",
      aiTag: "AI",
      aiText: "AI-generated message",
      unlabelledTag: "Unverified",
      unlabelledText:
        "Warning: this message is not labelled as AI-generated. Treat it with care.",
      typing: "The assistant is typing",
      sending: "Sending",
      queued: "Waiting to send",
      notSent: "Not sent yet, will retry",
      rejected: "Not sent",
      quickReplies: "Suggested replies",
      newTab: "(opens in a new tab)",
      counter: "{n} of {max} characters",
      truncated: "Your message was shortened to the {max}-character limit.",
      tooLong: "Your message is longer than {max} characters. Please shorten it.",
      offline:
        "We can't reach the assistant right now. Your message is saved and will be sent " +
        "automatically (next try in {s} s).",
      retryNow: "Retry now",
      refused: "The assistant could not accept that message: {reason}",
      surveyTitle: "How would you rate this chat?",
      surveyScale: "1 is very poor, 5 is very good.",
      ratingWords: ["very poor", "poor", "okay", "good", "very good"],
      comment: "Anything you'd like to add? (optional)",
      surveySend: "Send rating",
      surveySkip: "No thanks",
      surveyPick: "Please choose a rating from 1 to 5, or press No thanks.",
      surveyThanks: "Thank you for your feedback.",
      surveyFailed: "Your rating could not be sent. Please try again.",
    },
    es: {
      title: "Chatea con nosotros",
      launcher: "Chatea con nosotros",
      subtitle: "Asistente de IA",
      disclosure:
        "Estás hablando con un asistente de IA, no con una persona. Da información general y " +
        "no puede ver tus cuentas. Puedes pedir una persona en cualquier momento.",
      close: "Cerrar el chat",
      human: "Hablar con una persona",
      humanSent: "Hablar con una persona",
      log: "Conversación",
      inputLabel: "Tu mensaje",
      inputHint: "Pulsa Intro para enviar, Mayús+Intro para una nueva línea.",
      send: "Enviar",
      you: "Tú",
      assistant: "Asistente",
      aiTag: "IA",
      aiText: "Mensaje generado por IA",
      unlabelledTag: "Sin verificar",
      unlabelledText:
        "Aviso: este mensaje no está marcado como generado por IA. Tómalo con cautela.",
      typing: "El asistente está escribiendo",
      sending: "Enviando",
      queued: "En espera",
      notSent: "Aún no enviado, se reintentará",
      rejected: "No enviado",
      quickReplies: "Respuestas sugeridas",
      newTab: "(se abre en una pestaña nueva)",
      counter: "{n} de {max} caracteres",
      truncated: "Tu mensaje se acortó al límite de {max} caracteres.",
      tooLong: "Tu mensaje supera los {max} caracteres. Acórtalo, por favor.",
      offline:
        "No podemos conectar con el asistente. Tu mensaje está guardado y se enviará " +
        "automáticamente (próximo intento en {s} s).",
      retryNow: "Reintentar ahora",
      refused: "El asistente no aceptó ese mensaje: {reason}",
      surveyTitle: "¿Cómo valorarías este chat?",
      surveyScale: "1 es muy malo, 5 es muy bueno.",
      ratingWords: ["muy malo", "malo", "normal", "bueno", "muy bueno"],
      comment: "¿Algo que añadir? (opcional)",
      surveySend: "Enviar valoración",
      surveySkip: "No, gracias",
      surveyPick: "Elige una valoración del 1 al 5, o pulsa No, gracias.",
      surveyThanks: "Gracias por tu opinión.",
      surveyFailed: "No se pudo enviar tu valoración. Inténtalo de nuevo.",
    },
  };

  /* ------------------------------------------------------------------ configuration */

  /** An http(s) URL's origin-and-path without a trailing slash, or "" when unusable. */
  function httpUrl(value, base) {
    try {
      var url = new URL(value, base);
      if (url.protocol !== "http:" && url.protocol !== "https:") return "";
      return url.href.replace(/\/+$/, "");
    } catch (e) {
      return "";
    }
  }

  /** Only plain hex colours: anything else could smuggle CSS into the custom property. */
  function hexColour(value) {
    return /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value || "") ? value : "";
  }

  /** Read the data-* attributes of the script tag; every one is optional. */
  function readConfig(script) {
    var data = script.dataset;
    var language = (data.language || document.documentElement.lang || "en").slice(0, 2);
    language = STRINGS[language] ? language : "en";
    var maxChars = parseInt(data.maxChars || "2000", 10);
    return {
      // Default: the script's own origin (Rasa behind the same reverse proxy).
      serverUrl: httpUrl(data.serverUrl || "/", script.src) || httpUrl("/", script.src),
      surveyUrl: httpUrl(data.surveyUrl || "/api/survey", script.src),
      cssUrl: httpUrl("candor-widget.css", script.src),
      title: data.title || STRINGS[language].title,
      accent: hexColour(data.accent) || "#0b5394",
      language: language,
      maxChars: maxChars > 0 ? maxChars : 2000,
      position: data.position === "left" ? "left" : "right",
      startOpen: data.open === "true",
    };
  }

  /* ------------------------------------------------------------------ colour contrast */

  /** WCAG relative luminance of a hex colour. */
  function luminance(hex) {
    var h = hex.length === 4 ? hex.replace(/[0-9a-f]/gi, "$&$&").slice(1) : hex.slice(1);
    var channels = [0, 2, 4].map(function (i) {
      var c = parseInt(h.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }

  function contrast(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  /** Text colour for the bank's accent: whichever of white / near-black reads better (AA). */
  function textOn(accent) {
    return contrast(accent, "#ffffff") >= contrast(accent, "#1b1f24") ? "#ffffff" : "#1b1f24";
  }

  /* ------------------------------------------------------------------ storage */

  /** The tab's conversation state; sessionStorage may be unavailable (privacy modes). */
  function loadState() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "null");
      if (saved && typeof saved.sessionId === "string" && Array.isArray(saved.history)) {
        // A reload during a request lost its answer: send that message again rather than lose it.
        saved.history.forEach(function (entry) {
          if (entry.status === "sending") entry.status = "queued";
        });
        return saved;
      }
    } catch (e) {
      /* fall through to a new conversation */
    }
    return { sessionId: newSessionId(), history: [], open: false, surveyAsked: false, seq: 0 };
  }

  function saveState(state) {
    try {
      state.history = state.history.slice(-HISTORY_LIMIT);
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (e) {
      /* storage full or blocked: the chat still works, it just won't survive a reload */
    }
  }

  /** Random sender id matching the server's [A-Za-z0-9_.:-]{1,128}. */
  function newSessionId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  /* ------------------------------------------------------------------ DOM helpers */

  /** Create an element with attributes and children (strings become text nodes). */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === false || value === null || value === undefined) return;
      if (name === "class") node.className = value;
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function srOnly(text) {
    return el("span", { class: "sr-only" }, [text]);
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return String(values[key]);
    });
  }

  var LINK = /\[([^\]\n]{1,200})\]\(([^)\s]{1,2000})\)/g;

  /**
   * Append message text to `parent` as text nodes; [label](url) becomes a link only when the
   * URL is http(s). Everything else, including HTML-looking text, stays literal text.
   */
  function appendRichText(parent, text, strings) {
    var last = 0;
    String(text).replace(LINK, function (match, label, href, offset) {
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var safe = /^https?:\/\//i.test(href) ? httpUrl(href) : "";
      if (safe) {
        parent.appendChild(
          el("a", { href: safe, target: "_blank", rel: "noopener noreferrer nofollow" }, [
            label,
            srOnly(" " + strings.newTab),
          ])
        );
      } else {
        parent.appendChild(document.createTextNode(match)); // shown, never followed
      }
      last = offset + match.length;
      return match;
    });
    parent.appendChild(document.createTextNode(String(text).slice(last)));
  }

  /* ------------------------------------------------------------------ transport */

  /**
   * POST one message to the REST webhook. Resolves to {kind, ...}:
   *   ok (messages), unavailable (retry later), too_long, rejected (reason).
   * Never rejects: every failure is a value the caller must handle.
   */
  function postMessage(serverUrl, sender, text) {
    var controller = new AbortController();
    var timer = setTimeout(function () {
      controller.abort();
    }, REQUEST_TIMEOUT_MS);
    return fetch(serverUrl + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: text }),
      signal: controller.signal,
      credentials: "omit",
    })
      .then(function (response) {
        return response.json().then(
          function (body) {
            return classify(response.status, body);
          },
          function () {
            return classify(response.status, null);
          }
        );
      })
      .catch(function () {
        return { kind: "unavailable" }; // network error, CORS refusal, timeout
      })
      .finally(function () {
        clearTimeout(timer);
      });
  }

  function classify(status, body) {
    var error = body && body.error ? body.error : {};
    if (status === 200 && Array.isArray(body)) return { kind: "ok", messages: body };
    if (status === 413 || error.code === "E022") return { kind: "too_long" };
    if (status === 429 || status >= 500 || status === 200) return { kind: "unavailable" };
    return { kind: "rejected", reason: typeof error.message === "string" ? error.message : "" };
  }

  /* ------------------------------------------------------------------ the widget */

  function Widget(config) {
    this.config = config;
    this.strings = STRINGS[config.language];
    this.state = loadState();
    this.sending = false;
    this.retryTimer = null;
    this.attempt = 0;
    this.surveyReason = null; // "close" while the survey is shown (closing the panel)
  }

  /** Build the shadow DOM, restore the conversation, resume unsent messages. */
  Widget.prototype.mount = function () {
    var host = el("div", { id: "candor-widget", "data-candor-widget": "" });
    host.style.visibility = "hidden"; // until our stylesheet has loaded (no unstyled flash)
    var root = host.attachShadow({ mode: "open" });
    var link = el("link", { rel: "stylesheet", href: this.config.cssUrl });
    link.addEventListener("load", function () {
      host.style.visibility = "";
    });
    link.addEventListener("error", function () {
      host.style.visibility = "";
    });
    root.appendChild(link);
    host.style.setProperty("--candor-accent", this.config.accent);
    host.style.setProperty("--candor-on-accent", textOn(this.config.accent));
    root.appendChild(this.build());
    document.body.appendChild(host);
    this.host = host;
    this.root = root;
    this.state.history.forEach(this.renderEntry, this);
    this.updateQuickReplies();
    if (this.state.open || this.config.startOpen) this.open(false);
    this.pump();
    var self = this;
    window.addEventListener("online", function () {
      self.retryNow();
    });
  };

  /** The launcher button and the chat panel. */
  Widget.prototype.build = function () {
    var s = this.strings;
    var self = this;
    this.launcher = el(
      "button",
      {
        type: "button",
        class: "launcher",
        "aria-expanded": "false",
        "aria-controls": "candor-panel",
        onclick: function () {
          if (self.isOpen()) self.requestClose();
          else self.open(true);
        },
      },
      [el("span", { class: "launcher-icon", "aria-hidden": "true" }), s.launcher]
    );

    this.titleEl = el("h2", { id: "candor-title", class: "title" }, [this.config.title]);
    this.humanButton = el(
      "button",
      { type: "button", class: "human", onclick: function () { self.talkToHuman(); } },
      [s.human]
    );
    var closeButton = el(
      "button",
      {
        type: "button",
        class: "close",
        "aria-label": s.close,
        title: s.close,
        onclick: function () { self.requestClose(); },
      },
      [el("span", { "aria-hidden": "true" }, ["\u00d7"])]
    );
    var header = el("div", { class: "header" }, [
      el("div", { class: "heading" }, [
        this.titleEl,
        el("p", { class: "subtitle" }, [s.subtitle]),
      ]),
      this.humanButton,
      closeButton,
    ]);
    var banner = el("p", { id: "candor-disclosure", class: "disclosure", role: "note" }, [
      el("span", { class: "tag tag--ai", "aria-hidden": "true" }, [s.aiTag]),
      " ",
      s.disclosure,
    ]);
    this.log = el("div", {
      class: "log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": s.log,
      tabindex: "0", // scrollable region must be reachable by keyboard
    });
    this.typing = el("div", { class: "typing", role: "status", hidden: true }, [
      el("span", { class: "dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
      el("span", { class: "sr-only" }, [s.typing]),
    ]);
    this.alert = el("div", { class: "alert", role: "alert", hidden: true });
    this.survey = el("div", { class: "survey-slot" });
    this.panel = el(
      "div",
      {
        id: "candor-panel",
        class: "panel",
        role: "dialog",
        "aria-modal": "false",
        "aria-labelledby": "candor-title",
        "aria-describedby": "candor-disclosure",
        lang: this.config.language,
        hidden: true,
        onkeydown: function (event) {
          if (event.key === "Escape") {
            event.preventDefault();
            self.requestClose();
          }
        },
      },
      [header, banner, this.log, this.typing, this.alert, this.survey, this.buildComposer()]
    );
    return el("div", { class: "widget widget--" + this.config.position }, [
      this.panel,
      this.launcher,
    ]);
  };

  Widget.prototype.buildComposer = function () {
    var s = this.strings;
    var self = this;
    var max = this.config.maxChars;
    this.input = el("textarea", {
      id: "candor-input",
      class: "input",
      rows: "2",
      maxlength: String(max), // the browser caps typing and pasting at the server's limit
      "aria-describedby": "candor-hint candor-counter",
      autocomplete: "off",
      onkeydown: function (event) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          self.submit();
        }
      },
      oninput: function () { self.onInput(); },
    });
    this.counter = el("span", { id: "candor-counter", class: "counter", "aria-live": "polite" });
    return el(
      "form",
      {
        class: "composer",
        novalidate: true,
        onsubmit: function (event) {
          event.preventDefault();
          self.submit();
        },
      },
      [
        el("label", { for: "candor-input", class: "sr-only" }, [s.inputLabel]),
        this.input,
        el("button", { type: "submit", class: "send" }, [s.send]),
        el("p", { id: "candor-hint", class: "hint" }, [s.inputHint, " ", this.counter]),
      ]
    );
  };

  /* ------------------------------------------------------------------ open / close */

  Widget.prototype.isOpen = function () {
    return !this.panel.hidden;
  };

  /** Show the panel; move focus into it only when the customer asked (not on reload). */
  Widget.prototype.open = function (moveFocus) {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.host.classList.add("is-open");
    this.state.open = true;
    saveState(this.state);
    this.scrollToEnd();
    if (moveFocus) this.input.focus();
  };

  /** Close, but ask for the rating first once per conversation (if there was a conversation). */
  Widget.prototype.requestClose = function () {
    if (this.surveyReason === "close") {
      this.close(); // pressing close on the survey itself means "no thanks"
      return;
    }
    var chatted = this.state.history.some(function (e) { return e.role === "user"; });
    if (chatted && !this.state.surveyAsked) {
      this.showSurvey("close");
      return;
    }
    this.close();
  };

  Widget.prototype.close = function () {
    this.hideSurvey();
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    this.host.classList.remove("is-open");
    this.state.open = false;
    saveState(this.state);
    this.launcher.focus(); // focus goes back to what opened the panel
  };

  /* ------------------------------------------------------------------ input */

  /** Keep the text within the limit even when set by script or an old browser ignores maxlength. */
  Widget.prototype.onInput = function () {
    var max = this.config.maxChars;
    var value = this.input.value;
    if (value.length > max) {
      this.input.value = value.slice(0, max);
      this.showAlert(format(this.strings.truncated, { max: max }));
    }
    var n = this.input.value.length;
    // Only show the counter near the limit, so it is not read out on every keystroke.
    this.counter.textContent = n >= max * 0.9 ? format(this.strings.counter, { n: n, max: max }) : "";
  };

  Widget.prototype.submit = function () {
    var text = this.input.value;
    if (!text.trim()) return;
    if (text.length > this.config.maxChars) {
      this.showAlert(format(this.strings.tooLong, { max: this.config.maxChars }));
      return;
    }
    this.input.value = "";
    this.onInput();
    this.enqueue(text, text);
  };

  Widget.prototype.talkToHuman = function () {
    if (!this.isOpen()) this.open(false);
    this.enqueue(this.strings.humanSent, HUMAN_PAYLOAD);
    this.input.focus();
  };

  /* ------------------------------------------------------------------ the outbox */

  /** Store the message first (so it survives failures and reloads), then try to send it. */
  Widget.prototype.enqueue = function (shownText, payload) {
    this.state.seq = (this.state.seq || 0) + 1;
    var entry = {
      id: "m" + this.state.seq,
      role: "user",
      text: shownText,
      payload: payload,
      ts: new Date().toISOString(),
      status: "queued",
    };
    this.state.history.push(entry);
    saveState(this.state);
    this.renderEntry(entry);
    this.updateQuickReplies();
    this.scrollToEnd();
    this.pump();
  };

  function pending(entry) {
    return entry.role === "user" && (entry.status === "queued" || entry.status === "retrying");
  }

  /** Send the oldest unsent message; one request at a time keeps the conversation in order. */
  Widget.prototype.pump = function () {
    if (this.sending || this.retryTimer) return;
    var entry = this.state.history.filter(pending)[0];
    if (!entry) return;
    var self = this;
    this.sending = true;
    this.setStatus(entry, "sending");
    this.typing.hidden = false;
    postMessage(this.config.serverUrl, this.state.sessionId, entry.payload).then(function (result) {
      self.sending = false;
      self.typing.hidden = true;
      self.handleResult(entry, result);
    });
  };

  Widget.prototype.handleResult = function (entry, result) {
    var s = this.strings;
    if (result.kind === "ok") {
      this.attempt = 0;
      this.hideAlert();
      this.setStatus(entry, "sent");
      result.messages.forEach(this.addBotMessage, this);
      this.pump();
      return;
    }
    if (result.kind === "unavailable") {
      var delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
      delay = Math.round(delay * (0.8 + Math.random() * 0.4)); // jitter: no thundering herd
      this.attempt += 1;
      this.setStatus(entry, "retrying");
      this.showAlert(format(s.offline, { s: Math.ceil(delay / 1000) }), true);
      var self = this;
      this.retryTimer = setTimeout(function () {
        self.retryTimer = null;
        self.pump();
      }, delay);
      return;
    }
    // Refused for good: give the text back to the customer to edit, never drop it silently.
    this.setStatus(entry, "rejected");
    if (!this.input.value) {
      this.input.value = entry.payload === HUMAN_PAYLOAD ? "" : entry.text;
      this.onInput();
    }
    this.showAlert(
      result.kind === "too_long"
        ? format(s.tooLong, { max: this.config.maxChars })
        : format(s.refused, { reason: result.reason || "" })
    );
    this.pump();
  };

  Widget.prototype.retryNow = function () {
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.pump();
  };

  /** Record one bot message, render it, and react to the end of the conversation. */
  Widget.prototype.addBotMessage = function (message) {
    if (!message || typeof message !== "object") return;
    var metadata = message.metadata && typeof message.metadata === "object" ? message.metadata : {};
    var entry = {
      id: "b" + (this.state.seq = (this.state.seq || 0) + 1),
      role: "bot",
      text: typeof message.text === "string" ? message.text : "",
      buttons: Array.isArray(message.buttons) ? message.buttons.slice(0, 10) : [],
      image: typeof message.image === "string" ? message.image : "",
      ai: metadata.ai_generated === true,
      rules: Array.isArray(metadata.compliance_rules) ? metadata.compliance_rules.map(String) : [],
      response: typeof metadata.response === "string" ? metadata.response : "",
      ts: new Date().toISOString(),
    };
    if (!entry.text && !entry.buttons.length && !entry.image) return;
    this.state.history.push(entry);
    saveState(this.state);
    this.renderEntry(entry);
    this.updateQuickReplies();
    this.scrollToEnd();
    if (BOT_SURVEY_RESPONSES.indexOf(entry.response) >= 0 && !this.state.surveyAsked) {
      this.state.surveyAsked = true;
      saveState(this.state);
    }
  };

  /* ------------------------------------------------------------------ rendering */

  Widget.prototype.renderEntry = function (entry) {
    var node = entry.role === "user" ? this.renderUser(entry) : this.renderBot(entry);
    this.log.appendChild(node);
  };

  function timeEl(iso, language) {
    var date = new Date(iso);
    var label = isNaN(date) ? "" : date.toLocaleTimeString(language, { hour: "2-digit", minute: "2-digit" });
    return el("time", { class: "time", datetime: iso }, [label]);
  }

  Widget.prototype.renderUser = function (entry) {
    var s = this.strings;
    var status = el("span", { class: "status", "data-status": "" });
    var node = el("div", { class: "msg msg--user", "data-id": entry.id }, [
      el("div", { class: "meta" }, [srOnly(s.you + ": "), timeEl(entry.ts, this.config.language), status]),
      el("div", { class: "bubble" }, [entry.text]),
    ]);
    this.paintStatus(node, entry.status);
    return node;
  };

  Widget.prototype.renderBot = function (entry) {
    var s = this.strings;
    var tag = entry.ai
      ? el("span", { class: "tag tag--ai" }, [el("span", { "aria-hidden": "true" }, [s.aiTag]), srOnly(s.aiText)])
      : el("span", { class: "tag tag--warn" }, [el("span", { "aria-hidden": "true" }, [s.unlabelledTag]), srOnly(s.unlabelledText)]);
    var bubble = el("div", { class: "bubble" });
    appendRichText(bubble, entry.text, s);
    if (entry.image && httpUrl(entry.image) && /^https?:/i.test(entry.image)) {
      bubble.appendChild(el("img", { src: httpUrl(entry.image), alt: "", class: "image", loading: "lazy" }));
    }
    var classes = "msg msg--bot" + (entry.ai ? "" : " msg--unlabelled");
    if (entry.rules.indexOf(DISCLOSURE_RULE) >= 0) classes += " msg--disclosure";
    var node = el("div", { class: classes, "data-id": entry.id, "data-response": entry.response }, [
      el("div", { class: "meta" }, [tag, " ", srOnly(s.assistant + ": "), timeEl(entry.ts, this.config.language)]),
      bubble,
    ]);
    if (entry.buttons.length) node.appendChild(this.renderButtons(entry));
    return node;
  };

  /** Quick replies: real buttons; choosing one sends its payload and shows its title. */
  Widget.prototype.renderButtons = function (entry) {
    var self = this;
    return el(
      "div",
      { class: "quick-replies", role: "group", "aria-label": this.strings.quickReplies },
      entry.buttons
        .filter(function (b) {
          return b && typeof b.title === "string" && b.title && typeof b.payload === "string" && b.payload;
        })
        .map(function (b) {
          return el(
            "button",
            {
              type: "button",
              class: "quick-reply",
              onclick: function () {
                self.enqueue(b.title, b.payload);
                self.input.focus();
              },
            },
            [b.title]
          );
        })
    );
  };

  /** Quick replies answer the latest bot turn only; once the customer has moved on, hide them. */
  Widget.prototype.updateQuickReplies = function () {
    var history = this.state.history;
    var last = history[history.length - 1];
    var groups = this.log.querySelectorAll(".quick-replies");
    Array.prototype.forEach.call(groups, function (group) {
      var owner = group.parentNode.getAttribute("data-id");
      group.hidden = !(last && last.role === "bot" && last.id === owner);
    });
  };

  Widget.prototype.setStatus = function (entry, status) {
    entry.status = status;
    saveState(this.state);
    var node = this.log.querySelector('[data-id="' + entry.id + '"]');
    if (node) this.paintStatus(node, status);
  };

  Widget.prototype.paintStatus = function (node, status) {
    var s = this.strings;
    var labels = { queued: s.queued, sending: s.sending, retrying: s.notSent, rejected: s.rejected };
    node.setAttribute("data-state", status || "sent");
    node.querySelector("[data-status]").textContent = labels[status] || "";
  };

  Widget.prototype.showAlert = function (text, withRetry) {
    var self = this;
    this.alert.textContent = "";
    this.alert.appendChild(document.createTextNode(text));
    if (withRetry) {
      this.alert.appendChild(document.createTextNode(" "));
      this.alert.appendChild(
        el("button", { type: "button", class: "retry", onclick: function () { self.retryNow(); } }, [
          this.strings.retryNow,
        ])
      );
    }
    this.alert.hidden = false;
  };

  Widget.prototype.hideAlert = function () {
    this.alert.hidden = true;
    this.alert.textContent = "";
  };

  Widget.prototype.scrollToEnd = function () {
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var log = this.log;
    if (log.scrollTo) log.scrollTo({ top: log.scrollHeight, behavior: reduce ? "auto" : "smooth" });
    else log.scrollTop = log.scrollHeight;
  };

  /* ------------------------------------------------------------------ survey (CSAT) */

  /** Ask for a 1-5 rating with an optional comment; asked at most once per conversation. */
  Widget.prototype.showSurvey = function (reason) {
    var s = this.strings;
    var self = this;
    this.state.surveyAsked = true;
    saveState(this.state);
    this.surveyReason = reason;
    var options = [1, 2, 3, 4, 5].map(function (n) {
      var id = "candor-rating-" + n;
      return el("span", { class: "rating" }, [
        el("input", { type: "radio", name: "rating", id: id, value: String(n) }),
        el("label", { for: id }, [String(n), srOnly(" (" + s.ratingWords[n - 1] + ")")]),
      ]);
    });
    var error = el("p", { class: "survey-error", role: "alert" });
    var comment = el("textarea", { id: "candor-comment", rows: "2", maxlength: "1000" });
    var heading = el("h3", { id: "candor-survey-title", tabindex: "-1" }, [s.surveyTitle]);
    var form = el(
      "form",
      {
        class: "survey",
        "aria-labelledby": "candor-survey-title",
        novalidate: true,
        onsubmit: function (event) {
          event.preventDefault();
          var picked = form.querySelector("input[name=rating]:checked");
          if (!picked) {
            error.textContent = s.surveyPick;
            return;
          }
          var submit = form.querySelector("button[type=submit]");
          submit.disabled = true; // one answer per conversation: no double submit
          self.sendSurvey(parseInt(picked.value, 10), comment.value, error, submit);
        },
      },
      [
        heading,
        el("fieldset", {}, [el("legend", {}, [s.surveyScale]), el("div", { class: "ratings" }, options)]),
        el("label", { for: "candor-comment" }, [s.comment]),
        comment,
        error,
        el("div", { class: "survey-actions" }, [
          el("button", { type: "submit", class: "send" }, [s.surveySend]),
          el("button", { type: "button", class: "secondary", onclick: function () { self.skipSurvey(); } }, [s.surveySkip]),
        ]),
      ]
    );
    this.survey.textContent = "";
    this.survey.appendChild(form);
    heading.focus();
  };

  Widget.prototype.hideSurvey = function () {
    this.survey.textContent = "";
    this.surveyReason = null;
  };

  Widget.prototype.skipSurvey = function () {
    var reason = this.surveyReason;
    this.hideSurvey();
    if (reason === "close") this.close();
    else this.input.focus();
  };

  Widget.prototype.sendSurvey = function (rating, comment, errorEl, submit) {
    var self = this;
    var body = { sender: this.state.sessionId, rating: rating };
    if (comment.trim()) body.comment = comment.slice(0, 1000);
    fetch(this.config.surveyUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    })
      .then(function (response) {
        // 409: already stored (e.g. sent from another tab): nothing left to do.
        if (!response.ok && response.status !== 409) throw new Error(String(response.status));
        var reason = self.surveyReason;
        self.hideSurvey();
        self.addNote(self.strings.surveyThanks);
        if (reason === "close") self.close();
        else self.input.focus();
      })
      .catch(function () {
        errorEl.textContent = self.strings.surveyFailed;
        submit.disabled = false;
      });
  };

  /** A short line from the widget itself (not the bot): never carries an AI label. */
  Widget.prototype.addNote = function (text) {
    this.log.appendChild(el("p", { class: "note" }, [text]));
    this.scrollToEnd();
  };

  /* ------------------------------------------------------------------ start */

  var config = readConfig(SCRIPT);
  function start() {
    var widget = new Widget(config);
    widget.mount();
    // A tiny public handle for the host page (open the chat from its own "Contact us" link).
    window.CandorWidget = {
      open: function () { widget.open(true); },
      close: function () { widget.requestClose(); },
    };
  }
  window.CandorWidget = window.CandorWidget || { loading: true };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
