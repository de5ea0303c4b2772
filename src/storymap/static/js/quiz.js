/*
 * quiz.js: entry of the quiz view (/quiz), loaded as <script type="module">.
 *
 * The questions come with the page (#storymap-data, key "quiz"), generated on the
 * server from the story model for ?seed= and ?n=. A question is answered with a
 * number key, a click on an option or, for "which district", a click (or Enter)
 * on the district itself. Feedback is immediate: the right district is outlined
 * on the map and the article's words explain the answer. Score and review at the
 * end. Nothing about a student is stored or sent: state lives in this page only.
 */
import { h, translator } from "./dom.js";
import { districtName, loadData, placeName } from "./data.js";
import { districtBounds, highlightDistrict, shadeDistricts, wireDistricts } from "./districts.js";
import { MapLabels, creditLeaflet, highlightPlace, sizeMarkers, wirePlaces } from "./map-layers.js";

class Quiz {
  constructor(layers, data) {
    this.map = layers.map;
    this.placesLayer = layers.places;
    this.data = data;
    this.lang = data.lang;
    this.tr = translator(data.strings);
    this.questions = data.quiz.questions;
    this.homeBounds = L.latLngBounds(layers.bounds);
    this.element = document.getElementById("qz-question");
    this.keyLink = document.getElementById("qz-key");
    this.districtLayers = wireDistricts(this.map, layers.districts, data, this.lang, (code) => this.chooseDistrict(code));
    this.placeLayers = wirePlaces(layers.places, data, this.lang, {
      popup: (place) => h("strong", null, placeName(place, this.lang)),
      onChoose: () => {},
    });
    // One neutral shade: shading by passages would hint at the answers.
    shadeDistricts(this.districtLayers, data, [0]);
    sizeMarkers(this.map, this.placeLayers, data);
    this.map.on("zoomend resize", () => sizeMarkers(this.map, this.placeLayers, data));
    creditLeaflet(this.map);
    // The districts a question offers are named first: every option can be found on the map.
    this.optionCodes = [];
    this.labels = new MapLabels(this.map, data, this.lang, {
      placeLayers: this.placeLayers, districtLayers: this.districtLayers, emphasised: () => this.optionCodes,
      obstacles: () => (this.askedMarker ? [this.askedMarker.getElement().getBoundingClientRect()] : []),
    });
    document.addEventListener("keydown", (event) => this.onKey(event));
    this.noteFixedSet();
    this.restart();
  }

  /** A static copy has one question set: say so when a link asks for another (the server never differs). */
  noteFixedSet() {
    const asked = new URLSearchParams(location.search).get("seed");
    if (asked === null || Number(asked) === this.data.quiz.seed) return;
    document.querySelector(".qz-foot").prepend(h("p", { class: "qz-fixed", role: "note" },
      this.tr("fixed_set", { seed: this.data.quiz.seed, asked })));
  }

  restart() {
    this.index = 0;
    this.answers = [];
    this.keyLink.hidden = true;
    this.showQuestion();
  }

  get question() {
    return this.questions[this.index];
  }

  get answered() {
    return this.answers.length > this.index;
  }

  onKey(event) {
    // defaultPrevented: Enter on a district answered already; the same key must not skip the feedback.
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select")) return;
    if (this.index >= this.questions.length) return;
    const number = Number.parseInt(event.key, 10);
    if (!this.answered && number >= 1 && number <= this.question.options.length) {
      event.preventDefault();
      this.choose(this.question.options[number - 1].id);
    } else if (this.answered && (event.key === "Enter" || event.key === "ArrowRight" || event.key === "n")) {
      if (event.target.closest && event.target.closest("button, a")) return;  // the focused button handles Enter
      event.preventDefault();
      this.next();
    }
  }

  chooseDistrict(code) {
    if (this.index < this.questions.length && !this.answered && this.question.kind === "district") this.choose(code);
  }

  choose(id) {
    const question = this.question;
    const right = id === question.answer;
    this.answers.push({ id, right });
    const chosen = question.options.find((option) => option.id === id);
    const label = chosen ? chosen.label : districtName(this.data.by.district.get(id), this.lang);
    this.answers[this.index].label = label;
    for (const button of this.element.querySelectorAll(".qz-option")) {
      button.disabled = true;
      if (button.dataset.id === question.answer) button.classList.add("is-right");
      else if (button.dataset.id === id) button.classList.add("is-wrong");
    }
    this.showOnMap(question, true);
    const last = this.index === this.questions.length - 1;
    const nextButton = h("button", { type: "button", class: "sm-button sm-button--primary qz-next", onclick: () => this.next() },
      `${this.tr(last ? "finish" : "next")} →`);
    // append() would write a null as the text "null": only real nodes go in.
    this.element.append(...[
      h("p", { class: `qz-feedback ${right ? "is-right" : "is-wrong"}`, role: "status" },
        right ? this.tr("right") : this.tr("wrong", { answer: question.answer_label })),
      question.explanation ? h("blockquote", { class: "qz-explanation" },
        question.place ? h("cite", null, placeName(this.data.by.place.get(question.place), this.lang)) : null,
        question.explanation) : null,
      nextButton].filter(Boolean));
    nextButton.focus();
  }

  next() {
    this.index += 1;
    if (this.index < this.questions.length) this.showQuestion();
    else this.showScore();
  }

  /**
   * Before an answer the map gives nothing away (no story markers, no selection) but what the
   * question needs: for "which district", the place's own mark and its options' districts, named.
   */
  showOnMap(question, revealed) {
    const code = revealed ? question.district_code : null;
    const asked = !revealed && question.kind === "district" ? this.data.by.place.get(question.place) : null;
    if (revealed && !this.map.hasLayer(this.placesLayer)) this.map.addLayer(this.placesLayer);
    if (!revealed && this.map.hasLayer(this.placesLayer)) this.map.removeLayer(this.placesLayer);
    if (this.askedMarker) this.askedMarker.remove();
    this.askedMarker = asked ? L.circleMarker([asked.lat, asked.lon], {
      radius: 10, className: "qz-asked", interactive: false, weight: 3, fillOpacity: 1,
    }).addTo(this.map) : null;
    this.optionCodes = asked ? question.options.map((option) => option.id) : [];
    highlightDistrict(this.districtLayers, code);
    if (revealed) highlightPlace(this.placeLayers, question.place);
    this.labels.select(code);
    const options = { padding: [30, 30], duration: 0.8 };
    if (code) this.map.flyToBounds(districtBounds(this.districtLayers, code), { ...options, maxZoom: 12 });
    else if (asked) {
      const bounds = L.latLngBounds([[asked.lat, asked.lon]]);
      for (const option of this.optionCodes) bounds.extend(districtBounds(this.districtLayers, option));
      this.map.flyToBounds(bounds, options);
    } else this.map.flyToBounds(this.homeBounds, options);
  }

  showQuestion() {
    const question = this.question;
    const figure = question.kind === "fact";
    this.element.replaceChildren(...[
      h("p", { class: "qz-count" }, this.tr("question_of", { n: this.index + 1, total: this.questions.length })),
      h("h2", { id: "qz-heading", tabindex: "-1" }, question.prompt),
      h(question.kind === "excerpt" ? "blockquote" : "p", { class: `qz-subject${figure ? " qz-subject--figure" : ""}` }, question.subject),
      question.context ? h("blockquote", { class: "qz-context" }, question.context) : null,
      h("p", { class: "qz-hint" }, this.tr(question.kind === "district" ? "hint_district" : "hint_choice")),
      h("ol", { class: "qz-options" }, question.options.map((option, i) => h("li", null,
        h("button", {
          type: "button", class: "qz-option", dataset: { id: option.id }, "aria-keyshortcuts": String(i + 1),
          onclick: () => { if (!this.answered) this.choose(option.id); },
        }, h("span", { class: "qz-option__key", "aria-hidden": "true" }, String(i + 1)), h("span", null, option.label)))))]
      .filter(Boolean));
    this.showOnMap(question, false);
    this.element.closest(".qz-panel").scrollTop = 0;  // a new question starts at its top, not where the last one ended
    this.element.querySelector("h2").focus({ preventScroll: true });
  }

  showScore() {
    const score = this.answers.filter((answer) => answer.right).length;
    this.showOnMap({ district_code: null, place: null }, true);
    this.keyLink.hidden = false;
    this.element.replaceChildren(
      h("h2", { id: "qz-heading", tabindex: "-1" }, this.tr("review")),
      h("p", { class: "qz-score", role: "status" }, this.tr("score", { score, total: this.questions.length })),
      h("ol", { class: "qz-review" }, this.questions.map((question, i) => {
        const answer = this.answers[i];
        return h("li", null,
          h("strong", null, question.prompt), " ", question.kind === "excerpt" ? "" : question.subject,
          h("br"),
          h("span", { class: answer.right ? "is-right" : "is-wrong" }, `${answer.right ? "✔" : "✘"} ${this.tr("your_answer")}: ${answer.label}`),
          answer.right ? null : [h("br"), `${this.tr("answer")}: ${question.answer_label}`]);
      })),
      h("button", { type: "button", class: "sm-button sm-button--primary", onclick: () => this.restart() }, this.tr("again")));
    this.element.querySelector("h2").focus({ preventScroll: true });
  }
}

const layers = window.StoryMapLayers;
if (!layers) throw new Error("window.StoryMapLayers is missing: the page's inline script did not run");
window.StoryMapQuiz = new Quiz(layers, loadData());
