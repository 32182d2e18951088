// An autocomplete text field, after the WAI-ARIA 1.2 combobox pattern (list autocomplete,
// no automatic selection): <input data-combobox="/communes/recherche/"> asks that URL
// (?q=<typed>) for {"results": [{"value", "label", "detail"}]} as one types, and shows them
// in a listbox. Arrow keys move through the suggestions, Enter picks one (its `value` goes into
// the field), Escape closes the list; a polite live region says how many were found.
// Progressive enhancement only: without this file the field is plain text, which the server
// reads just as well.
(() => {
  const MIN_CHARS = 2;
  const DELAY_MS = 200;
  let counter = 0;

  function announce(region, count) {
    if (count === 0) {
      region.textContent = "Aucun résultat";
    } else {
      region.textContent = count === 1 ? "1 résultat" : `${count} résultats`;
    }
  }

  function enhance(input) {
    if (input.dataset.comboboxReady) { return; }
    input.dataset.comboboxReady = "1";
    counter += 1;
    const listId = `${input.id || "combobox"}-suggestions-${counter}`;

    const wrapper = document.createElement("div");
    wrapper.className = "combobox";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);

    const list = document.createElement("ul");
    list.id = listId;
    list.className = "combobox-list";
    list.setAttribute("role", "listbox");
    // Its own short name: the field's label names the field alone.
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    wrapper.appendChild(list);

    const status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(status);

    input.removeAttribute("list");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    let active = -1;
    let timer = null;
    let pending = null;
    let lastQuery = null;

    const options = () => Array.from(list.querySelectorAll("[role=option]"));

    function open() {
      if (!options().length) { return; }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      setActive(-1);
    }

    function setActive(index) {
      const all = options();
      all.forEach((option, i) => {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        option.classList.toggle("active", i === index);
      });
      active = index;
      if (index >= 0 && all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(option) {
      input.value = option.dataset.value;
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function render(results) {
      list.replaceChildren();
      results.forEach((result, i) => {
        const option = document.createElement("li");
        option.id = `${listId}-${i}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.value = result.value;
        option.textContent = result.label;
        if (result.detail) {
          const detail = document.createElement("span");
          detail.className = "combobox-detail";
          detail.textContent = ` · ${result.detail}`;
          option.appendChild(detail);
        }
        list.appendChild(option);
      });
      active = -1;
      announce(status, results.length);
      if (results.length && document.activeElement === input) { open(); } else { close(); }
    }

    function search() {
      const query = input.value.trim();
      if (query.length < MIN_CHARS) {
        lastQuery = null;
        list.replaceChildren();
        status.textContent = "";
        close();
        return;
      }
      if (query === lastQuery) { open(); return; }
      lastQuery = query;
      if (pending) { pending.abort(); }
      pending = new AbortController();
      const url = `${input.dataset.combobox}?${new URLSearchParams({ q: query })}`;
      fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => render(data.results || []))
        .catch((error) => { if (error.name !== "AbortError") { render([]); } });
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", (event) => {
      const all = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!all.length) { return; }
        event.preventDefault();
        if (list.hidden) { open(); }
        const step = event.key === "ArrowDown" ? 1 : -1;
        const start = active === -1 && step === -1 ? 0 : active;
        setActive((start + step + all.length) % all.length);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0 && all[active]) {
          event.preventDefault(); // picks the suggestion; does not send the form
          pick(all[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      }
    });

    // A click on a suggestion picks it; the field keeps the focus meanwhile.
    list.addEventListener("mousedown", (event) => event.preventDefault());
    list.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) { pick(option); input.focus(); }
    });
    input.addEventListener("blur", close);
  }

  function enhanceAll(root) {
    root.querySelectorAll("input[data-combobox]").forEach(enhance);
  }
  document.addEventListener("DOMContentLoaded", () => enhanceAll(document));
  document.addEventListener("htmx:load", (event) => enhanceAll(event.target));
})();
